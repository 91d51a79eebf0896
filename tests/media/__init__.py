"""Committed test media and the developer scripts that made them (the scripts need espeak-ng; tests only
read their output).

    speech/       espeak-ng sentences with profanity; `<clip>.json` says where every profane word is
                  (make_speech.py). kitchen.flac is also the speech of the demo and benchmark video.
    search_eval/  the search evaluation clips: spoken topics with their times and a paraphrased query
                  for each (make_eval_speech.py)
"""

from pathlib import Path

SPEECH_DIR = Path(__file__).resolve().parent / "speech"
SEARCH_EVAL_DIR = Path(__file__).resolve().parent / "search_eval"
