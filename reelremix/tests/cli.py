"""Run the `reelremix` console script as a user would, in a clean environment."""

import os
import subprocess
import sys
from pathlib import Path

REELREMIX = str(Path(sys.executable).parent / "reelremix")
_OURS = (
    "DATABASE_URL",
    "REDIS_URL",
    "REELREMIX_",
    "EMBEDDED_",
    "SECRET_KEY",
    "DEBUG",
    "DJANGO_",
    "REDIS_NAMESPACE",
    "PROMETHEUS_MULTIPROC_DIR",  # the test run's samples: a stack under test keeps its own (and empties it)
)


def clean_env(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(_OURS)}
    env["DJANGO_SETTINGS_MODULE"] = "reelremix.settings"
    env["WHISPER_MODEL"] = "fast"  # the suite hears with tiny.en, as settings_test says
    env.update(overrides)
    return env


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [REELREMIX, *args], env=clean_env(**env), capture_output=True, text=True, timeout=120, check=False
    )
