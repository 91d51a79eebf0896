"""Deleting a key prefix: on S3 (a local S3-protocol server) and on disk only the folder named goes;
a key that is not a folder is refused."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from media_jobs.tests.s3 import s3
from privacy import storage

__all__ = ["s3"]
KEYS = ("t_x/videos/a/original.mp4", "t_x/exports/b.zip", "t_xy/kept.mp4", "t_y/kept.mp4")


def test_it_deletes_a_prefix_on_s3(s3):
    for key in KEYS:
        default_storage.save(key, ContentFile(b"x"))
    assert storage.delete_prefix("t_x/") == 2
    assert s3.keys() == ["t_xy/kept.mp4", "t_y/kept.mp4"]  # t_xy/ shares the letters, not the folder
    assert storage.delete_prefix("t_x/") == 0


def test_it_deletes_a_folder_on_disk(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for key in KEYS:
        default_storage.save(key, ContentFile(b"x"))
    assert storage.delete_prefix("t_x/") == 2
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.mp4")) == list(KEYS[2:])


@pytest.mark.parametrize("prefix", ["", "t_x", "/etc/", "t_x/../", "../"])
def test_it_refuses_what_is_not_a_folder(prefix):
    with pytest.raises(ValueError, match="not a folder key"):
        storage.delete_prefix(prefix)
