"""The profanity accuracy benchmark: an evaluation set built by `evalset.py`, scored per speech model by
`report.py`, thresholds chosen on the tuning half only by `tune.py` (the tools: `__main__.py`)."""


def main() -> None:
    """`python -m bench accuracy` (Django is set up by then; the set builder runs without it)."""
    from bench.accuracy.report import main as report

    report()
