"""A clip's title: OpenAI's chat API writes it when a key is set (the real client against the local fake),
else, or when the API fails, the transcript's strongest sentence."""

from __future__ import annotations

from clips import services
from gpu_worker.tests.fake_openai import fake_openai_server

SAID = "We moved the office last spring. Why do ten people never take a holiday? Nobody knows."


def test_without_a_key_the_strongest_sentence_is_the_title(settings):
    settings.OPENAI_API_KEY = ""
    assert services.title_for(SAID) == ("Why do ten people never take a holiday?", "transcript")


def test_the_title_model_writes_it_when_a_key_is_set(settings):
    with fake_openai_server() as fake:
        settings.OPENAI_API_KEY, settings.OPENAI_BASE_URL = "sk-test", fake.url
        fake.chat_reply = '"The holiday nobody takes"\n'
        assert services.title_for(SAID) == ("The holiday nobody takes", "openai gpt-4o-mini")
    request = fake.chats[0]
    assert request["model"] == "gpt-4o-mini" and SAID in request["messages"][0]["content"]


def test_a_failing_title_model_falls_back_to_the_transcript(settings):
    with fake_openai_server() as fake:
        settings.OPENAI_API_KEY, settings.OPENAI_BASE_URL = "sk-test", fake.url
        fake.status = 500
        assert services.title_for(SAID) == ("Why do ten people never take a holiday?", "transcript")
    assert len(fake.chats) >= 1  # it was asked, and retried, before giving up


def test_a_title_never_spells_out_a_flagged_word():
    said = "What the fuck are you doing with my laptop? Fucking hell."
    assert services.masked(said, {"fuck"}) == "What the f*** are you doing with my laptop? F****** hell."
    assert services.masked("Nothing to hide here.", {"fuck"}) == "Nothing to hide here."
