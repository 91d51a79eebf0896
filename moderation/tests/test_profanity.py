"""The profanity matcher on written transcripts: spellings, inflections, near misses, and clean words."""

from __future__ import annotations

import pytest

from gpu_worker.hearings import with_other_hearings
from gpu_worker.types import Alternative, Transcript, Word
from moderation.profanity import MASKED, TIMING_LAG, TIMING_LEAD, NearMiss, ProfanityHit, find_profanity


def spoken(text: str, probability: float = 0.95) -> list[Word]:
    """The words of `text`, 0.4 s each, all heard with the same probability."""
    return [Word(word, 0.4 * i, 0.4 * i + 0.3, probability) for i, word in enumerate(text.split())]


def certain_terms(text: str, extra_terms: tuple[str, ...] = ()) -> list[str]:
    return [hit.term for hit in find_profanity(spoken(text), extra_terms) if hit.certain]


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("what the fuck", "fuck"),
        ("FUCK!", "fuck"),
        ("he fucking left", "fuck"),
        ("it's fucked", "fuck"),
        ("you fucker", "fuck"),
        ("this motherfucker again", "fuck"),
        ("fuckin' hell", "fuck"),
        ("total clusterfuck", "fuck"),
        ("shitty weather", "shit"),
        ("that is bullshit", "shit"),
        ("well, shit.", "shit"),
        ("damned if I know", "damn"),
        ("goddamn it", "damn"),
        ("dammit", "damn"),
        ("those bitches", "bitch"),
        ("you bastard", "bastard"),
        ("an asshole", "asshole"),
        ("pissed off", "piss"),
        ("crappy food", "crap"),
        ("dickhead", "dick"),
        ("shut up, fuckface", "fuck"),
        ("stop bullshitting me", "shit"),
        ("even shittier", "shit"),
        ("those fuckwits", "fuck"),
        ("he went apeshit", "shit"),
        ("what a smug prick", "prick"),
        ("those pricks", "prick"),
    ],
)
def test_it_finds_inflections_and_compounds(text, term):
    assert certain_terms(text) == [term]


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("f*ck", "fuck"),
        ("f**k", "fuck"),
        ("f***ing", "fuck"),
        ("sh!t", "shit"),
        ("$hit", "shit"),
        ("fvck", "fuck"),
        ("d@mn", "damn"),
        ("b1tch", "bitch"),
        ("fuuuuck", "fuck"),
        ("shiiiit", "shit"),
        ("f-u-c-k", "fuck"),
        ("f.u.c.k", "fuck"),
        ("mother-fucker", "fuck"),
        ("phuck", "fuck"),
    ],
)
def test_it_reads_obfuscated_spellings(text, term):
    assert certain_terms(f"oh {text} again") == [term]


def test_it_reads_words_spelled_letter_by_letter():
    hits = find_profanity(spoken("I said F U C K loudly"))
    assert [(hit.term, hit.word_indexes, hit.heard) for hit in hits] == [("fuck", (2, 3, 4, 5), "F U C K")]


def test_it_reports_words_the_recogniser_masked():
    assert certain_terms("what the [ __ ] is that") == [MASKED]
    assert certain_terms("a *** mess") == [MASKED]


@pytest.mark.parametrize(
    "text",
    [
        "We drove through Scunthorpe",
        "The class finished its assessment",
        "A cocktail in the cockpit",
        "We read Dickens and Emily Dickinson",
        "Shiitake mushrooms",
        "He began to snigger",
        "Please pass the sheet of paper",
        "The ship passed the dam",
        "A hancock peacock with a bass",
        "Assume the assistant has class",
        "What a mess, as I said",
        "A sheet of $5 notes",
        "I said a U turn",
    ],
)
def test_it_leaves_clean_words_alone(text):
    assert certain_terms(text) == []


def test_a_clean_compound_written_as_two_words_stays_clean():
    for text in ("a pea cock and a shuttle cock", "the cock pit of a plane", "Hitch cock loved a cock tail"):
        assert find_profanity(spoken(text)) == [], text
    # A compound of the word with "pin", and a clean pair: ears that prick up.
    for text in ("the dog's ears prick up", "she pricks up her ears", "only a pin prick"):
        assert find_profanity(spoken(text)) == [], text
    # A term the joined word holds as profanity stays profane; so does the same term beside other words.
    assert certain_terms("you dumb ass, what a cock") == ["ass", "cock"]
    assert certain_terms("that is bull shit") == ["shit"]


def test_a_stem_inside_an_unknown_word_goes_to_review():
    # "Cunthorpe" is how a recogniser may write Scunthorpe; "bastardize" is clean; "fuckton" is not. A
    # stem inside a word that no known compound spells could be either: a moderator hears it.
    for text, term in (
        ("Cunthorpe United won", "cunt"),
        ("they bastardize it", "bastard"),
        ("a fuckton", "fuck"),
    ):
        hits = find_profanity(spoken(text, probability=0.9))
        assert [(hit.term, hit.certain, hit.confidence) for hit in hits] == [(term, False, 0.9)], text


def test_it_adds_the_tenants_extra_terms():
    assert certain_terms("what the heck, he's frickin late", ("heck", "frick")) == ["heck", "frick"]
    assert certain_terms("what the heck") == []


def test_it_matches_extra_phrases_as_one_hit():
    hits = find_profanity(spoken("oh holy cow that is big"), ["Holy  Cow"])
    assert [(hit.term, hit.word_indexes, hit.certain) for hit in hits] == [("holy cow", (1, 2), True)]


def test_it_covers_the_word_with_the_recognisers_timing_error():
    words = [Word("what", 1.0, 1.3, 0.9), Word("the", 1.3, 1.4, 0.9), Word("fuck", 1.4, 1.8, 0.7)]
    (hit,) = find_profanity(words)
    assert hit == ProfanityHit(1.4 - TIMING_LEAD, 1.8 + TIMING_LAG, "fuck", "fuck", 0.7, True, (2,))


def test_it_routes_doubted_sound_alikes_to_review():
    words = [Word("such", 0.0, 0.3, 0.98), Word("a", 0.3, 0.4, 0.98), Word("which", 0.4, 0.8, 0.49)]
    (hit,) = find_profanity(words)
    assert (hit.term, hit.heard, hit.certain, hit.word_indexes) == ("bitch", "which", False, (2,))
    assert 0.3 < hit.confidence < 0.6


def test_it_hears_the_rarer_terms_with_sounds_in_doubted_words():
    words = [Word("a", 0.0, 0.2, 0.95), Word("bunker.", 0.2, 0.6, 0.3), Word("You", 0.8, 1.0, 0.9)]
    words += [Word("do", 1.0, 1.2, 0.31), Word("what?", 1.2, 1.5, 0.6)]
    hits = find_profanity(words)
    assert [(hit.term, hit.heard, hit.certain) for hit in hits] == [
        ("wanker", "bunker.", False),
        ("twat", "do what?", False),
    ]
    assert find_profanity(spoken("You do what? A bunker.", probability=0.95)) == []


def test_it_sends_a_term_heard_as_a_name_to_review():
    for text in ("we watched Dick Van Dyke", "I read Moby Dick."):
        hits = find_profanity(spoken(text))  # "Dyke" sounds like the term too: also for review
        assert ("dick", False) in [(hit.term, hit.certain) for hit in hits if "Dick" in hit.heard], text
        assert not any(hit.certain for hit in hits), text
    for text in ("Dick, stop it.", "you are a dick", "What a Dickhead"):
        assert certain_terms(text) == ["dick"], text


def test_it_takes_its_near_miss_thresholds_from_the_rule():
    words = [Word("such", 0.0, 0.3, 0.98), Word("a", 0.3, 0.4, 0.98), Word("which", 0.4, 0.8, 0.75)]
    assert [hit.term for hit in find_profanity(words)] == ["bitch"]  # doubted by 0.25: over 0.2
    assert find_profanity(words, near_miss=NearMiss(min_similarity=0.8, min_doubt=0.3)) == []


def test_it_takes_sound_alikes_the_recogniser_was_sure_of_as_heard():
    assert find_profanity(spoken("such a which", probability=0.95)) == []
    assert find_profanity(spoken("a load of crop", probability=0.9)) == []


def test_it_routes_homophones_to_review_however_sure_the_recogniser_was():
    hits = find_profanity(spoken("a dam mess", probability=0.99))
    assert [(hit.term, hit.heard, hit.certain) for hit in hits] == [("damn", "dam", False)]


def test_it_joins_two_doubted_words_that_together_sound_like_a_term():
    words = [Word("it's", 0.0, 0.3, 0.9), Word("fuk", 0.3, 0.5, 0.3), Word("ing", 0.5, 0.7, 0.3)]
    hits = find_profanity(words)
    assert [(hit.term, hit.word_indexes) for hit in hits] == [("fuck", (1,))]
    pair = [Word("the", 0.0, 0.2, 0.9), Word("bit", 0.2, 0.4, 0.4), Word("ch", 0.4, 0.5, 0.3)]
    assert [(hit.term, hit.heard, hit.certain) for hit in find_profanity(pair)] == [
        ("bitch", "bit ch", False)
    ]


def test_it_does_not_double_count_a_word():
    hits = find_profanity(spoken("fucking fuck shit", probability=0.5))
    assert [(hit.term, hit.word_indexes, hit.certain) for hit in hits] == [
        ("fuck", (0,), True),
        ("fuck", (1,), True),
        ("shit", (2,), True),
    ]


def test_it_raises_few_alarms_on_doubted_clean_speech():
    text = (
        "the weather was nice so we walked to the market and bought some bread cheese and apples "
        "then we sat in the park and watched the children play football until it got dark"
    )
    assert find_profanity(spoken(text, probability=0.5)) == []


# --- Readings the recogniser also considered for the words it doubted -------------------------


def test_it_queues_an_alternative_reading_that_holds_a_term():
    words = spoken("now it is a mess again")  # "a damn mess", the "damn" unheard
    alternatives = [Alternative("canvas again", 1.2, 1.9, 0.4), Alternative("damn mess", 1.2, 1.9, 0.04)]
    (hit,) = find_profanity(words, alternatives=alternatives)
    assert (hit.term, hit.heard, hit.certain, hit.confidence) == ("damn", "a mess", False, 0.04)
    assert (hit.start, hit.end, hit.word_indexes) == (
        pytest.approx(1.2 - TIMING_LEAD),
        1.9 + TIMING_LAG,
        (3, 4),
    )


def test_a_term_only_another_hearing_wrote_goes_to_review():
    heard = Transcript(spoken("that is politics mate"), [])
    other = Transcript(spoken("that is bollocks mate", 0.7), [])  # heard again at another tempo
    (hit,) = find_profanity(heard.words, alternatives=with_other_hearings(heard, [other]).alternatives)
    assert (hit.term, hit.heard, hit.certain, hit.confidence) == ("bollocks", "politics", False, 0.7)
    assert find_profanity(heard.words, alternatives=with_other_hearings(heard, [heard]).alternatives) == []


def test_it_ignores_alternatives_for_a_term_heard_there():
    words = spoken("what the fuck")
    assert find_profanity(words, alternatives=[Alternative("fucking", 0.4, 1.1, 0.3)]) == find_profanity(
        words
    )


def test_it_counts_a_word_once_however_many_readings_hold_it():
    words = spoken("what a damn mess")  # the reading of a doubted "a" reaches into the "damn" heard after it
    readings = [Alternative("a damn", 0.0, 0.7, 0.2), Alternative("damn it", 0.0, 0.7, 0.1)]
    assert find_profanity(words, alternatives=readings) == find_profanity(words)
    unheard = spoken("such a major out")
    readings = [Alternative("bitch and", 0.4, 1.1, 0.06), Alternative("bitch about", 0.4, 1.1, 0.03)]
    assert [(hit.term, hit.confidence) for hit in find_profanity(unheard, alternatives=readings)] == [
        ("bitch", 0.06)
    ]


def test_it_finds_nothing_in_clean_alternatives():
    words = spoken("i cleaned the ground on sunday")
    assert find_profanity(words, alternatives=[Alternative("garage on", 0.8, 1.5, 0.5)]) == []
