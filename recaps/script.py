"""A recap's script, as the user writes it: plain text or Markdown, scenes separated by blank lines or
headings, each scene one or more sentences. Parsing is pure: the scenes, or a RecapRefusal that says
what is wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass

import py3langid

from recaps.errors import RecapRefusal

MAX_SCENES = 300  # an hour of recap at ~12 s a scene; a longer script is a mistake or an attack
MAX_SCRIPT_CHARS = 600_000  # MAX_SCENES scenes of MAX_SCENE_CHARS
MAX_SCENE_CHARS = 2_000
READING_WORDS_PER_SECOND = 2.6  # a caption's reading time, and a narrator's pace (~155 words a minute)
MIN_SCENE_SECONDS, MAX_SCENE_SECONDS = 2.5, 60.0

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(.+?)\1")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@dataclass(frozen=True)
class ScriptScene:
    heading: str  # the Markdown heading above the scene, if any
    text: str  # the scene's sentences as plain text

    @property
    def words(self) -> int:
        return len(_WORD.findall(self.text))

    @property
    def reading_seconds(self) -> float:
        """How long the scene lasts without narration: the time to read its caption."""
        seconds = self.words / READING_WORDS_PER_SECOND
        return round(min(max(seconds, MIN_SCENE_SECONDS), MAX_SCENE_SECONDS), 2)


def parse_script(source: str) -> list[ScriptScene]:
    """The scenes of a script, in order; a heading starts a scene and names it."""
    if len(source) > MAX_SCRIPT_CHARS:
        raise RecapRefusal("script_too_long", f"The script is longer than {MAX_SCRIPT_CHARS:,} characters.")
    scenes: list[ScriptScene] = []
    heading, lines = "", list[str]()
    for line in [*source.replace("\r\n", "\n").split("\n"), ""]:
        found = _HEADING.match(line)
        if found or not line.strip() or _RULE.match(line):
            if lines:
                scenes.append(ScriptScene(heading, " ".join(lines)))
                heading, lines = "", []
            if found:
                heading = _plain(found.group(2))
            continue
        text = _plain(_BULLET.sub("", line))
        if text:
            lines.append(text)
        if len(scenes) > MAX_SCENES:
            break
    return _checked(scenes)


def _plain(text: str) -> str:
    """Markdown inline formatting taken away: links keep their words, emphasis its text."""
    text = _LINK.sub(r"\1", text)
    for _ in range(3):  # nested emphasis (***a***) unwraps one layer a pass
        text = _EMPHASIS.sub(r"\2", text)
    return re.sub(r"\s+", " ", text).strip()


def _checked(scenes: list[ScriptScene]) -> list[ScriptScene]:
    scenes = [scene for scene in scenes if scene.words]
    if not scenes:
        raise RecapRefusal(
            "script_empty",
            "The script has no scene: write one or more sentences per scene, scenes separated by a blank "
            "line or a heading.",
        )
    if len(scenes) > MAX_SCENES:
        raise RecapRefusal(
            "too_many_scenes",
            f"The script has more than {MAX_SCENES} scenes; a recap takes at most {MAX_SCENES}.",
        )
    for number, scene in enumerate(scenes, 1):
        if len(scene.text) > MAX_SCENE_CHARS:
            raise RecapRefusal(
                "scene_too_long",
                f"Scene {number} is longer than {MAX_SCENE_CHARS:,} characters; split it with a blank line.",
            )
    return scenes


LANGUAGE_NAMES = {
    "en": "English", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "pl": "Polish", "ru": "Russian", "ja": "Japanese", "zh": "Chinese", "ar": "Arabic",
    "tr": "Turkish", "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish", "cs": "Czech",
}  # fmt: skip
MIN_WORDS_FOR_LANGUAGE = 12  # below this, a language guess is noise


def language_of(text: str) -> str | None:
    """The language of a text as an ISO 639-1 code, or None when there are too few words to tell."""
    if len(_WORD.findall(text)) < MIN_WORDS_FOR_LANGUAGE:
        return None
    code, _ = py3langid.classify(text)
    return str(code)


def require_same_language(script: str, speech: str) -> None:
    """Refuse a script in another language than the video's speech: its meaning cannot be matched."""
    written, spoken = language_of(script), language_of(speech)
    if written and spoken and written != spoken:
        raise RecapRefusal(
            "language_mismatch",
            f"The script is in {LANGUAGE_NAMES.get(written, written)} but the video's speech is in "
            f"{LANGUAGE_NAMES.get(spoken, spoken)}: write the script in the language spoken in the video.",
        )
