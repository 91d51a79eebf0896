"""`make bench`: every benchmark, printed as ratios against baselines measured in the same run."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reelremix.settings")


def main() -> None:
    from reelremix.cli import exit_on_configuration_error

    with exit_on_configuration_error():
        django.setup()
        from bench import pipeline

        pipeline.main()


if __name__ == "__main__":
    main()
