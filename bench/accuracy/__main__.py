"""The accuracy benchmark's tools (the benchmark itself is `python -m bench accuracy`):

python -m bench.accuracy build [OUT_DIR]   # the evaluation set (default: var/bench/accuracy/set)
python -m bench.accuracy tune              # thresholds chosen on the tuning half
python -m bench.accuracy accents           # English in strong accents: the language told or detected
"""

import os
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reelremix.settings")
TOOLS = ("build", "tune", "accents")


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TOOLS:
        raise SystemExit(f"usage: python -m bench.accuracy {{{' | '.join(TOOLS)}}} [OUT_DIR]")
    django.setup()
    from bench.accuracy import accents, evalset, tune

    if sys.argv[1] == "build":
        evalset.main(Path(sys.argv[2]) if len(sys.argv) > 2 else evalset.default_dir())
    elif sys.argv[1] == "accents":
        accents.main()
    else:
        tune.main()


if __name__ == "__main__":
    main()
