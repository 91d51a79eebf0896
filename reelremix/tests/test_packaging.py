"""The installed package carries every app of ours: the `reelremix` command imports them from site-packages
(an editable install maps only the packages pyproject.toml names), not from the checkout."""

import tomllib
from fnmatch import fnmatch
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]


def test_every_app_of_ours_is_in_the_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["packages"]["find"]["include"]
    ours = {
        app.name.split(".")[0]
        for app in apps.get_app_configs()
        if Path(app.path).is_relative_to(ROOT) and "site-packages" not in Path(app.path).parts
    }
    ours.discard("tests")  # the test-only app (tests/noop_jobs) is never installed
    missing = sorted(name for name in ours if not any(fnmatch(name, pattern) for pattern in patterns))
    assert missing == [], f"add {missing} to [tool.setuptools.packages.find] include in pyproject.toml"
