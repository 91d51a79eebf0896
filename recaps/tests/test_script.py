"""Scripts as users write them: Markdown or plain text, scenes by blank lines or headings."""

from __future__ import annotations

import pytest

from recaps.errors import RecapRefusal
from recaps.script import MAX_SCENES, parse_script, require_same_language


def test_it_splits_scenes_on_blank_lines_and_headings():
    scenes = parse_script(
        "# Act one\nThe hero leaves **the village**.\nShe crosses [the river](http://x).\n"
        "## Act two\n- A storm breaks.\n- The boat sinks.\n\n---\n\nDawn comes.\n"
    )
    assert [(s.heading, s.text) for s in scenes] == [
        ("Act one", "The hero leaves the village. She crosses the river."),
        ("Act two", "A storm breaks. The boat sinks."),
        ("", "Dawn comes."),
    ]


def test_it_times_a_scene_by_its_reading_length():
    short, long = parse_script("Go.\n\n" + " ".join(["word"] * 52) + ".")
    assert short.reading_seconds == 2.5  # never shorter than a caption can be read
    assert long.reading_seconds == pytest.approx(20.0)


@pytest.mark.parametrize("script", ["", "\n\n   \n", "# Only a heading\n\n## Another\n", "---\n***\n"])
def test_it_refuses_a_script_without_scenes(script):
    with pytest.raises(RecapRefusal) as refused:
        parse_script(script)
    assert refused.value.code == "script_empty"
    assert "blank line or a heading" in refused.value.message


def test_it_refuses_twenty_thousand_scenes_without_reading_them_all():
    script = "\n\n".join(f"Scene number {n} happens." for n in range(20_000))
    with pytest.raises(RecapRefusal) as refused:
        parse_script(script)
    assert refused.value.code == "too_many_scenes"
    assert str(MAX_SCENES) in refused.value.message


def test_it_refuses_a_script_in_another_language_than_the_speech():
    speech = "Our chief executive could not stop laughing about the launch party and the rocket cake tonight."
    french = "Le patron a beaucoup ri pendant la fête du lancement, et tout le monde a mangé le gâteau fusée."
    with pytest.raises(RecapRefusal) as refused:
        require_same_language(french, speech)
    assert refused.value.code == "language_mismatch"
    assert "French" in refused.value.message and "English" in refused.value.message
    require_same_language(
        "The boss laughed a lot at the launch party, and everyone ate the rocket cake.", speech
    )
    require_same_language("Le patron rit.", speech)  # too short to tell: not refused
