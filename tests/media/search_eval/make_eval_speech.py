"""Make the search evaluation clips: spoken topics with their times, and paraphrased queries for each
(developer tool, not run by tests; the FLAC and JSON files it writes are committed).

Run from the repository root on a machine with espeak-ng 1.51 (its shared library) and sox:

    python tests/media/search_eval/make_eval_speech.py

Each clip is a few topics of one or two sentences, spoken by libespeak-ng through the synthesiser of
tests/media/speech/make_speech.py. `<clip>.json` holds every topic's start and end (exact: sample counts),
its sentences, and a query that says the same thing in other words. The evaluation test shows each
topic on its own colour, so the video has a scene cut wherever the topic changes.
"""

from __future__ import annotations

import array
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from tests.media.speech.make_speech import Line, Synthesizer, _write_flac  # noqa: E402

SENTENCE_PAUSE = 0.4  # seconds between sentences of a topic
TOPIC_PAUSE = 1.0  # seconds between topics

# clip -> [(voice, rate, sentences, paraphrased query)]
CLIPS: dict[str, list[tuple[str, int, list[str], str]]] = {
    "townhall": [
        ("en-us", 150, ["Our chief executive could not stop laughing about the launch party.",
                        "She said the rocket cake was the best part of the evening."],
         "the CEO laughing about the launch"),
        ("en-us", 150, ["The new plan costs twelve dollars per seat each month.",
                        "Customers who pay for a full year get two months free."],
         "talk about pricing"),
        ("en-us", 150, ["We are hiring four engineers for the Berlin office.",
                        "Interviews start next Tuesday."],
         "recruiting developers in Germany"),
        ("en-us", 150, ["Please turn on two factor authentication for your account.",
                        "Somebody tried to steal passwords last week."],
         "protecting logins from hackers"),
    ],
    "cooking": [
        ("en", 160, ["First, chop two onions and fry them slowly in butter.",
                     "Stir until they turn golden brown."],
         "softening onions in a pan"),
        ("en", 160, ["The oven should be very hot, about two hundred and twenty degrees.",
                     "Bake the bread for thirty minutes."],
         "baking temperature for a loaf"),
        ("en", 160, ["Wash your hands before touching raw chicken.",
                     "Keep a separate cutting board for meat."],
         "kitchen hygiene with poultry"),
        ("en", 160, ["Serve the soup with a spoon of cream and some fresh parsley."],
         "garnishing the bowl before eating"),
    ],
    "travel": [
        ("en-us+f3", 140, ["Our flight to Tokyo was delayed by six hours because of a typhoon.",
                           "We slept on the airport floor."],
         "plane held up by a storm"),
        ("en-us+f3", 140, ["The hotel room had a view of the mountains and a huge bathtub."],
         "accommodation with scenic views"),
        ("en-us+f3", 140, ["We rented bicycles and rode along the river to an old temple."],
         "cycling trip to a shrine"),
        ("en-us+f3", 140, ["Dinner was fresh sushi at a tiny counter with only eight seats."],
         "eating raw fish in a small restaurant"),
    ],
}  # fmt: skip


def make_clip(name: str, topics: list[tuple[str, int, list[str], str]], synthesizer: Synthesizer) -> None:
    rate = synthesizer.sample_rate
    audio, truth = array.array("h"), []
    for voice, wpm, sentences, query in topics:
        start = len(audio)
        for index, sentence in enumerate(sentences):
            samples, _ = synthesizer.speak(Line(voice, wpm, sentence))
            audio += samples
            pause = SENTENCE_PAUSE if index < len(sentences) - 1 else 0.0
            audio += array.array("h", bytes(2 * round(pause * rate)))
        end = len(audio)
        times = {"start": round(start / rate, 3), "end": round(end / rate, 3)}
        truth.append({**times, "text": " ".join(sentences), "query": query})
        audio += array.array("h", bytes(2 * round(TOPIC_PAUSE * rate)))
    _write_flac(HERE / f"{name}.flac", audio, rate)
    sidecar = {"voice": f"{topics[0][0]} at {topics[0][1]} wpm", "duration": round(len(audio) / rate, 3),
               "topics": truth}  # fmt: skip
    (HERE / f"{name}.json").write_text(json.dumps(sidecar, indent=1) + "\n")


def main() -> None:
    synthesizer = Synthesizer()
    for name, topics in CLIPS.items():
        make_clip(name, topics, synthesizer)
        print(f"{name}: {len(topics)} topics")


if __name__ == "__main__":
    main()
