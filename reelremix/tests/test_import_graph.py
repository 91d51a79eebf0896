"""The map's dependency order, checked on every run: tools/import_graph.py over the real source."""

import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def graph():
    spec = importlib.util.spec_from_file_location("import_graph", ROOT / "tools" / "import_graph.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["import_graph"] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules["import_graph"]


def test_it_finds_no_cycles_no_upward_imports_and_no_django_in_gpu_worker(graph):
    assert graph.violations() == []


def test_it_catches_an_upward_import_and_a_circle(graph, tmp_path, monkeypatch):
    for path, text in {
        "gpu_worker/__init__.py": "",
        "gpu_worker/models.py": "from django.conf import settings\n",
        "media_jobs/__init__.py": "",
        "media_jobs/a.py": "def f():\n    from media_jobs import b\n",
        "media_jobs/b.py": "from media_jobs.a import f\nfrom search.services import g\n",
        "search/__init__.py": "",
        "search/services.py": "import typing\nif typing.TYPE_CHECKING:\n    from media_jobs import a\n",
    }.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(textwrap.dedent(text))
    monkeypatch.setattr(graph, "ROOT", tmp_path)
    assert graph.violations() == [
        "cycle: media_jobs.a <-> media_jobs.b",
        "upward: media_jobs.b (media_jobs) imports search.services (search)",
        "forbidden: gpu_worker.models imports django",
    ]
