"""The profanity accuracy benchmark: an evaluation set built by `evalset.py`, scored per speech model by
`report.py` (`python -m bench accuracy` runs its main), thresholds chosen on the tuning half only by
`tune.py` (the tools: `__main__.py`)."""
