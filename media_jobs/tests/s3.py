"""A bucket on a local S3-protocol server (moto in server mode, over HTTP with the real boto3 client), and
the site's media stored in it: the fixture `s3`, for tests that import it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest
import requests
from moto.server import ThreadedMotoServer

BUCKET = "reelremix-media"


@dataclass
class Bucket:
    client: object  # boto3's S3 client
    endpoint: str

    def keys(self, prefix: str = "") -> list[str]:
        listed = self.client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)  # type: ignore[attr-defined]
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=BUCKET, Key=key)["Body"].read()  # type: ignore[attr-defined]


@pytest.fixture
def s3(settings, monkeypatch) -> Iterator[Bucket]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "reelremix-test",
        "AWS_SECRET_ACCESS_KEY": "reelremix-test-secret",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    requests.post(f"{endpoint}/moto-api/reset", timeout=10)  # moto's state is the process's: start empty
    client = boto3.client("s3", endpoint_url=endpoint)
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": endpoint},
        },
    }
    try:
        yield Bucket(client, endpoint)
    finally:
        server.stop()
