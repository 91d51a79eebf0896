"""`make bench`: every benchmark, printed as ratios against baselines measured in the same run.
`python -m bench quota` (or `pipeline`, `faces`, `stills`, `clips`, `search`, `api`, `upscale`, `accuracy`,
`ocr`, `gpu`) runs one of them."""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reelremix.settings")
# A benchmark whose main is not its package's: the package's modules import each other only one way.
MODULES = {"accuracy": "bench.accuracy.report"}
BENCHMARKS = (
    "pipeline", "faces", "stills", "clips", "recap", "quota", "search", "api", "upscale", "accuracy", "ocr",
    "gpu",
)  # fmt: skip


def main() -> None:
    from reelremix.cli import exit_on_configuration_error

    names = sys.argv[1:] or list(BENCHMARKS)
    unknown = set(names) - set(BENCHMARKS)
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))} (choose from {BENCHMARKS})")
    with exit_on_configuration_error():
        django.setup()
        from importlib import import_module

        for name in names:
            import_module(MODULES.get(name, f"bench.{name}")).main()


if __name__ == "__main__":
    main()
