"""The video page's layout: the flags as marks on the player's timeline (moderation's hook), the transcript
beside the player with every line and word seekable (search's section), the other sections below."""

import re

import pytest

from conftest import client_for
from media_jobs import hooks
from moderation.tests.factories import make_video_row, make_watched_video


def _page(world, video) -> str:
    response = client_for(world.alice).get(f"/videos/{video.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_marks_each_flag_on_the_timeline_at_its_time(world):
    video = make_video_row(world.acme, duration=10.0)
    make_watched_video(world.acme, video)
    page = _page(world, video)
    marks = re.findall(
        r'<button type="button" class="mark mark-(\w+)" style="--at: ([\d.]+)%; --span: ([\d.]+)%" '
        r'data-seek="([\d.]+)" aria-label="([^"]+)"',
        page,
    )
    assert marks == [
        ("face", "10.0", "10.0", "1.00", "Face: FACE at 1.0 s"),
        ("profanity", "31.0", "2.0", "3.10", "Profanity: damn at 3.1 s"),
    ]
    assert '<li class="mark-face">Face</li><li class="mark-profanity">Profanity</li>' in page
    assert "/static/reelremix/player.js" in page


def test_it_shows_the_transcript_by_sentence_with_seekable_words(world):
    video = make_video_row(world.acme)
    make_watched_video(world.acme, video)
    page = _page(world, video)
    lines = re.findall(r'<li data-start="([\d.]+)" data-end="([\d.]+)">\s*<button type="button" class="at" '
                       r'data-seek="([\d.]+)"', page)  # fmt: skip
    assert lines == [("0.20", "1.00", "0.20"), ("2.50", "3.80", "2.50")]
    words = re.findall(r'<span class="word" data-seek="([\d.]+)">([^<]+)</span>', page)
    assert words[2:4] == [("2.50", "The"), ("2.70", "launch")]
    assert page.index('class="beside"') < page.index('class="sections"') < page.index("Moderation: Censored")


def test_it_says_when_there_is_no_transcript_or_flag(world):
    page = _page(world, make_video_row(world.acme))
    assert "No words yet" in page and 'id="timeline"' not in page


def test_it_checks_tenant_for_the_video_page(world):
    video = make_video_row(world.acme)
    make_watched_video(world.acme, video)
    assert client_for(world.charlie).get(f"/videos/{video.pk}/").status_code == 404


def test_it_refuses_a_section_placed_nowhere():
    with pytest.raises(ValueError, match="not 'footer'"):
        hooks.add_video_page_section("x.html", lambda video: {}, where="footer")
