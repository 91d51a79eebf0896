"""Deleting every stored file under a key prefix, on local disk or S3 (the two storages settings
configure): a video's folders when its uploads are deleted, a tenant's `{schema}/` when it is."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.core.files.storage import FileSystemStorage, default_storage


def delete_prefix(prefix: str) -> int:
    """Delete every file whose key starts with `prefix` (a folder: it ends with "/"); how many."""
    if not prefix.endswith("/") or prefix.startswith("/") or ".." in prefix.split("/"):
        raise ValueError(f"not a folder key: {prefix!r}")
    storage: Any = default_storage
    if isinstance(storage, FileSystemStorage):
        return _delete_local(Path(storage.path(prefix)))
    deleted = storage.bucket.objects.filter(Prefix=prefix).delete()  # django-storages' S3Storage
    return sum(len(batch.get("Deleted", [])) for batch in deleted)


def _delete_local(folder: Path) -> int:
    if not folder.is_dir():
        return 0
    count = sum(1 for path in folder.rglob("*") if path.is_file())
    shutil.rmtree(folder)
    return count
