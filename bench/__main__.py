"""`make bench`: every benchmark, printed as ratios against baselines measured in the same run.
`python -m bench search` (or `pipeline`) runs only that one."""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reelremix.settings")
BENCHMARKS = ("pipeline", "search")


def main() -> None:
    from reelremix.cli import exit_on_configuration_error

    chosen = sys.argv[1:] or list(BENCHMARKS)
    unknown = sorted(set(chosen) - set(BENCHMARKS))
    if unknown:
        sys.exit(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    with exit_on_configuration_error():
        django.setup()
        from bench import pipeline, search

        for name in chosen:
            {"pipeline": pipeline.main, "search": search.main}[name]()


if __name__ == "__main__":
    main()
