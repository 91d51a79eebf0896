"""Profanity in a transcript: certain hits (the words say it) and near misses routed to review.

A certain hit is a word that is, or spells, a profane term: inflections, compounds, masked and leet
spellings (f*ck, sh!t, $hit, fvck, fuuuck, f-u-c-k) included. A word that holds a term's stem in a way no
known compound does ("Cunthorpe", misheard for Scunthorpe) is an uncertain hit. Speech recognisers also
mishear profanity as clean words ("crap" as "crop", "bitch" as "which"), so a word, or a pair of words,
that the recogniser doubted and that sounds like a profane term becomes an uncertain hit for a moderator to
hear; so does another reading that the recogniser considered for a doubted stretch, when it holds a term.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from gpu_worker.types import Alternative, Word

MASKED = "masked"  # the term of a word the recogniser itself censored ("f***", "[ __ ]")


@dataclass(frozen=True)
class ProfanityHit:
    """Profanity found in a transcript, with the span of audio to silence."""

    start: float  # seconds; the words' times widened by the recogniser's timing error
    end: float
    heard: str  # the words as transcribed
    term: str  # the canonical profane word: "fuck" for "motherfuckin'"
    confidence: float  # 0..1; certain: the words' probability; uncertain: sound similarity times doubt
    certain: bool  # False: a near miss that a moderator should hear
    word_indexes: tuple[int, ...]


@dataclass(frozen=True)
class Term:
    """A profane word: its canonical spelling, the words that mean it, and what it sounds like."""

    canonical: str
    forms: frozenset[str]  # exact words: inflections, compounds, spellings
    stems: tuple[str, ...] = ()  # a word holding one is profane (certain with known affixes, else uncertain)
    sounds: tuple[str, ...] = ()  # spellings compared by sound with the words the recogniser doubted


def _term(canonical: str, forms: str = "", stems: str = "", sounds: str = "") -> Term:
    return Term(
        canonical, frozenset(forms.split()) | {canonical}, tuple(stems.split()), tuple(sounds.split())
    )


# Near misses are looked for only for the terms with sounds. Chosen term by term on the tuning half of
# bench/accuracy's set (base and tiny.en): "twat" and "wanker" caught a misheard word each ("do what?",
# "bunker") for no review of clean speech; "whore" would add 5 reviews and "ass" 1, for none caught.
BUILTIN_TERMS: tuple[Term, ...] = (
    _term("fuck", "fck fuk fuking fukin effing fuq", stems="fuck", sounds="fuck fucking"),
    _term("shit", "shite shites sht", stems="shit", sounds="shit"),
    _term("damn", "dammit damnit goddammit goddamit dayum", stems="damn", sounds="damn dammit goddamn"),
    _term("bitch", "biatch", stems="bitch", sounds="bitch"),
    _term("bastard", stems="bastard", sounds="bastard"),
    _term("asshole", "assholes arsehole arseholes", sounds="asshole"),
    _term("ass", "asses arse arses jackass dumbass dumbasses smartass fatass asshat asshats asswipe"),
    _term("cunt", stems="cunt", sounds="cunt"),
    _term("dick", "dicks dickhead dickheads dickface dickwad dickish", sounds="dick"),
    _term("cock", "cocks cocksucker cocksuckers cocksucking"),
    _term("piss", "pissed pisses pissing pisser pissy pisshead pissheads", sounds="piss pissed"),
    _term("crap", "craps crappy crapper crapped crapping crapload", sounds="crap"),
    _term("twat", "twats", sounds="twat"),
    _term("wanker", "wank wanks wanked wanking wankers", sounds="wanker"),
    _term("bollocks", "bollock"),
    _term("whore", "whores whoring"),
    _term("slut", "sluts slutty"),
    _term("pussy", "pussies"),
    _term("douchebag", "douche douchebags"),
    _term("nigger", "niggers nigga niggas", stems="nigger"),
    _term("faggot", "faggots"),
    _term("prick", "pricks"),
)
# Clean words that contain a stem (the Scunthorpe problem).
CLEAN_WORDS = frozenset(
    {"scunthorpe", "shiitake", "shiitakes", "shitake", "shitakes", "mishit", "mishits", "shittim"}
    | {"snigger", "sniggers", "sniggered", "sniggering"}
)
# Clean words that hold a term whole, which a recogniser may write as two words ("shuttle cock", "cock pit"):
# the two words together are one clean word. (A term that the joined word holds as a stem, "bull shit", or
# that is a form of it, "dumb ass", stays profane: the joined word is not here.)
CLEAN_COMPOUNDS = frozenset(
    {"peacock", "peacocks", "shuttlecock", "shuttlecocks", "woodcock", "woodcocks", "weathercock", "stopcock"}
    | {"ballcock", "gamecock", "poppycock", "hitchcock", "hancock", "cockpit", "cockpits", "cocktail"}
    | {"cocktails", "cockroach", "cockroaches", "cockatoo", "cockatoos", "cockerel", "cockerels", "cockney"}
    | {"cockle", "cockles", "cocksure", "cockeyed", "cockscomb", "dickens", "dickson", "dickinson"}
    | {"pinprick", "pinpricks"}
)
# Two words that are clean together though one of them is a term's form: ears that prick up.
CLEAN_PAIRS = frozenset({("prick", "up"), ("pricks", "up")})
EXTRA_ENDINGS = ("", "s", "es", "ed", "er", "ers", "ing", "in")  # forms of a tenant's extra term
# How a stem sits in a word that is certainly profane: after one of these beginnings, then its last letter
# doubled or not ("shitty", "bullshitting"), one of these compound parts and one of these endings. A stem
# inside any other word ("Cunthorpe", heard for Scunthorpe; "bastardize") makes an uncertain hit: the
# Scunthorpe problem has more members than CLEAN_WORDS can list, so a moderator hears those. Masked
# spellings ("f**king") are read against these formations too.
STEM_PREFIXES = ("", "mother", "bull", "god", "horse", "dip", "ape", "bat", "chicken", "cluster", "dumb")
STEM_COMPOUNDS = ("", "head", "hole", "face", "wit", "storm", "show", "load", "bag", "tard", "less", "ery")
STEM_ENDINGS = ("", "s", "es", "ed", "er", "ers", "ing", "in", "y", "ier", "iest")
LEET = str.maketrans("@$!134570+", "asiieastot")
MASK_CHARS = "*#_"
# Terms that are also first names: capitalised inside a sentence ("Moby Dick", "Dick Van Dyke") the word
# was heard as a name, so a moderator hears it instead of a bleep.
NAMES = frozenset({"dick"})
SPELLED_RUN = 3  # "f u c k": at least this many one-letter words in a row are read as one word

# Sound keys: a rough English spelling-to-sound mapping, enough to compare misheard words.
SOUND_RULES: tuple[tuple[str, str], ...] = (
    (r"^kn|^gn", "n"),
    (r"^wr", "r"),
    (r"^wh", "w"),
    (r"mb$|mn$", "m"),
    (r"ssh", "s"),
    (r"t?ch", "C"),
    (r"sh|ti(?=on)|si(?=on)", "S"),
    (r"ph", "f"),
    (r"th", "0"),
    (r"ck|q|c(?![eiy])", "k"),
    (r"c", "s"),
    (r"x", "ks"),
    (r"dg", "j"),
    (r"z", "s"),
    (r"(?<=[^aeiou])e$", ""),
    (r"y(?![aeiou])", "i"),
    (r"([aeiou])[aeiou]+", r"\1"),
    (r"h", ""),
    (r"(.)\1+", r"\1"),
)
VOWELS = "aeiou"
# Sounds made alike (same place in the mouth, or both vowels) are easily confused: swapping costs half.
SOUND_CLASSES = ("pbmfvw", "tdn0", "kg", "sSCj", "lr", VOWELS)
SWAP_IN_CLASS = 0.5
VOWEL_GAP = 0.5  # inserting or dropping a vowel costs half a consonant


@dataclass(frozen=True)
class NearMiss:
    """When a word the recogniser doubted, and that sounds like a term, becomes an uncertain hit."""

    min_similarity: float  # 1 - sound distance / length of the longer sound key
    min_doubt: float  # 1 - the word's probability; surer words are taken as heard, except homophones


# Chosen on the tuning half of bench/accuracy's evaluation set (48 profane words, 5 minutes of clean speech
# thick with sound-alikes; `python -m bench.accuracy tune`). With base: 38 words caught counting review, for
# 48 reviews per 10 minutes of clean speech (37 and 42 with the former doubt of 0.2). A similarity of 0.7
# caught 3 words more, but 2 of them by chance (a near miss of another term overlapping the word), for 58
# reviews; it also failed this app's tests of clean speech. With tiny.en, none of these catch more words.
NEAR_MISS = NearMiss(min_similarity=0.8, min_doubt=0.15)
# Whisper's word times run late: on a development set of espeak-ng speech (35 profane words, tiny.en),
# starts by 0.17 s (median) and up to 0.33 s; ends by 0.09 s (median), and up to 0.12 s early. A hit covers
# that error.
TIMING_LEAD = 0.35
TIMING_LAG = 0.15


def find_profanity(
    words: Sequence[Word],
    extra_terms: Iterable[str] = (),
    alternatives: Iterable[Alternative] = (),
    near_miss: NearMiss = NEAR_MISS,
) -> list[ProfanityHit]:
    """Profanity in time order; written hits claim words before near misses, and both before readings."""
    lexicon = Lexicon.with_extra_terms(extra_terms)
    spellings = [spelling_of(word.text) for word in words]
    clean = _clean_pairs(spellings)
    written = _disjoint(_written_hits(words, spellings, lexicon, clean), longest_first=True)
    taken = clean | {index for hit in written for index in hit.word_indexes}
    near = _disjoint(_near_misses(words, spellings, lexicon, taken, near_miss), longest_first=False)
    found = written + near
    readings = _alternative_hits(words, spellings, lexicon, alternatives)
    fresh = [hit for hit in readings if not any(_same_profanity(hit, other) for other in found)]
    return sorted(found + _disjoint(fresh, longest_first=False), key=lambda hit: hit.start)


class Lexicon:
    """The terms to find: the built-in list, and a tenant's extra words and phrases."""

    def __init__(self, terms: Sequence[Term], phrases: Sequence[tuple[str, ...]] = ()) -> None:
        self.phrases = tuple(phrases)
        self._forms: dict[str, str] = {}
        for term in reversed(terms):  # the earlier term wins a shared form
            self._forms.update(dict.fromkeys(term.forms, term.canonical))
        self._stems = [(stem, term.canonical) for term in terms for stem in term.stems]
        self._stem_forms = {
            prefix + stem + double + compound + ending: canonical
            for stem, canonical in self._stems
            for prefix in STEM_PREFIXES
            for double in ("", stem[-1])
            for compound in STEM_COMPOUNDS
            for ending in STEM_ENDINGS
        }
        self._spellings = list(self._forms.items()) + list(self._stem_forms.items())
        self._sounds = [(sound_key(sound), term.canonical) for term in terms for sound in term.sounds]

    @staticmethod
    def with_extra_terms(extra_terms: Iterable[str]) -> Lexicon:
        """The built-in terms and a tenant's extra ones (several words make a phrase)."""
        extras = {" ".join(spelling_of(word) for word in term.split()) for term in extra_terms}
        return _lexicon(tuple(sorted(extra for extra in extras if extra)))

    def term_of(self, spelling: str) -> str | None:
        """The canonical term that a written word spells, if any."""
        if spelling in CLEAN_WORDS:
            return None
        if any(char in MASK_CHARS for char in spelling):
            return self._unmasked(spelling)
        readings = _readings(spelling)
        return next((term for r in readings if (term := self._forms.get(r) or self._stem_forms.get(r))), None)

    def stem_within(self, spelling: str) -> str | None:
        """The canonical term whose stem a written word holds anywhere (term_of knows the formations)."""
        if spelling in CLEAN_WORDS:
            return None
        readings = _readings(spelling)
        return next((term for r in readings for stem, term in self._stems if stem in r), None)

    def _unmasked(self, spelling: str) -> str | None:
        letters = spelling.translate(LEET)
        if not re.search("[a-z]", letters):
            return MASKED if len(letters) > 1 else None
        pattern = re.compile("".join("[a-z]" if char in MASK_CHARS else re.escape(char) for char in letters))
        return next((term for word, term in self._spellings if pattern.fullmatch(word)), None)

    def closest_sound(self, key: str) -> tuple[str, float]:
        """The term that sounds most like a sound key, and how alike they are (0..1)."""
        scored = [(sound_similarity(key, sound), term) for sound, term in self._sounds]
        similarity, term = max(scored, default=(0.0, ""))
        return term, similarity


@functools.lru_cache(maxsize=256)
def _lexicon(extras: tuple[str, ...]) -> Lexicon:
    words = [_extra_term(extra) for extra in extras if " " not in extra]
    return Lexicon(BUILTIN_TERMS + tuple(words), [tuple(extra.split()) for extra in extras if " " in extra])


def _extra_term(word: str) -> Term:
    return Term(word, frozenset(word + ending for ending in EXTRA_ENDINGS), sounds=(word,))


def spelling_of(text: str) -> str:
    """A word as written, lower-cased, without the punctuation around it (leet and masks kept)."""
    return re.sub(r"^[^\w*#$@]+|[^\w*#$]+$", "", text.lower())


def _readings(spelling: str) -> list[str]:
    """What an obfuscated spelling may stand for: separators dropped, leet decoded, elongation undone."""
    joined = re.sub(r"(?<=\w)[-.'](?=\w)", "", spelling)
    decoded = joined.translate(LEET) if re.search("[a-z]", joined) else joined
    readings = [joined, decoded, decoded.replace("v", "u"), decoded.replace("ph", "f")]
    readings += [re.sub(r"(.)\1{2,}", run, reading) for reading in readings for run in (r"\1", r"\1\1")]
    return [reading for reading in dict.fromkeys(readings) if reading not in CLEAN_WORDS]


def sound_key(text: str) -> str:
    """Roughly how a written word sounds: one letter per sound."""
    key = re.sub("[^a-z]", "", text.lower().translate(LEET))
    for pattern, replacement in SOUND_RULES:
        key = re.sub(pattern, replacement, key)
    return key


@functools.lru_cache(maxsize=65_536)
def sound_similarity(heard: str, term: str) -> float:
    """1 for the same sound keys, down to 0 (or below) for unrelated ones."""
    return 1 - sound_distance(heard, term) / max(len(heard), len(term))


def sound_distance(heard: str, term: str) -> float:
    """Weighted edit distance between two sound keys."""
    row = [0.0]
    for sound in term:
        row.append(row[-1] + _gap(sound))
    for heard_sound in heard:
        next_row = [row[0] + _gap(heard_sound)]
        for index, sound in enumerate(term, 1):
            next_row.append(
                min(
                    row[index] + _gap(heard_sound),
                    next_row[index - 1] + _gap(sound),
                    row[index - 1] + _swap(heard_sound, sound),
                )
            )
        row = next_row
    return row[-1]


def _gap(sound: str) -> float:
    return VOWEL_GAP if sound in VOWELS else 1.0


def _swap(heard: str, sound: str) -> float:
    if heard == sound:
        return 0.0
    return SWAP_IN_CLASS if any(heard in group and sound in group for group in SOUND_CLASSES) else 1.0


def _clean_pairs(spellings: list[str]) -> set[int]:
    """The indexes of words that, with the word before or after them, spell a clean compound ("pea cock") or
    make a clean pair ("prick up")."""
    return {
        i
        for index, (first, second) in enumerate(pairwise(spellings))
        if first + second in CLEAN_COMPOUNDS or (first, second) in CLEAN_PAIRS
        for i in (index, index + 1)
    }


def _written_hits(
    words: Sequence[Word], spellings: list[str], lexicon: Lexicon, clean: set[int]
) -> list[ProfanityHit]:
    """Words that spell a term (certain, unless heard as a name) or hold its stem oddly (uncertain)."""
    hits = []
    for index, spelling in enumerate(spellings):
        if index in clean:
            continue
        term = lexicon.term_of(spelling)
        known = term is not None and not (spelling in NAMES and _is_name(words, index))
        term = term or lexicon.stem_within(spelling)
        if term:
            hits.append(_hit(words, (index,), term, words[index].probability, certain=known))
    return hits + _spelled_out_hits(words, spellings, lexicon) + _phrase_hits(words, spellings, lexicon)


def _is_name(words: Sequence[Word], index: int) -> bool:
    """A capitalised word that does not start a sentence."""
    sentence_start = index == 0 or words[index - 1].text.rstrip().endswith((".", "?", "!"))
    return words[index].text.strip()[:1].isupper() and not sentence_start


def _spelled_out_hits(words: Sequence[Word], spellings: list[str], lexicon: Lexicon) -> list[ProfanityHit]:
    """Profanity spelled one letter per word: "f u c k"."""
    hits = []
    run: list[int] = []
    for index, spelling in enumerate([*spellings, ""]):
        if len(spelling) == 1:
            run.append(index)
            continue
        term = lexicon.term_of("".join(spellings[i] for i in run)) if len(run) >= SPELLED_RUN else None
        if term:
            hits.append(_hit(words, tuple(run), term, _probability(words, run), certain=True))
        run = []
    return hits


def _phrase_hits(words: Sequence[Word], spellings: list[str], lexicon: Lexicon) -> list[ProfanityHit]:
    hits = []
    for phrase in lexicon.phrases:
        for start in range(len(spellings) - len(phrase) + 1):
            if tuple(spellings[start : start + len(phrase)]) == phrase:
                span = tuple(range(start, start + len(phrase)))
                hits.append(_hit(words, span, " ".join(phrase), _probability(words, span), certain=True))
    return hits


def _near_misses(
    words: Sequence[Word], spellings: list[str], lexicon: Lexicon, taken: set[int], rule: NearMiss
) -> list[ProfanityHit]:
    """Doubted words, alone or in pairs, that sound like a term; and words that sound just like one."""
    # A homophone ("dam") is kept however sure the recogniser was: its language model, not the sound,
    # told the two apart.
    doubted = {index for index, word in enumerate(words) if 1 - word.probability >= rule.min_doubt}
    pairs = [(index, index + 1) for index in sorted(doubted) if index + 1 in doubted]
    hits = []
    for span in [(index,) for index in range(len(words))] + pairs:
        if taken.isdisjoint(span):
            term, similarity = lexicon.closest_sound(sound_key("".join(spellings[index] for index in span)))
            if similarity == 1.0 or (similarity >= rule.min_similarity and doubted.issuperset(span)):
                doubt = max(rule.min_doubt, 1 - _probability(words, span))
                hits.append(_hit(words, span, term, similarity * doubt, certain=False))
    return hits


def _alternative_hits(
    words: Sequence[Word], spellings: list[str], lexicon: Lexicon, alternatives: Iterable[Alternative]
) -> list[ProfanityHit]:
    """Alternative readings that hold a term which the words heard over the same stretch do not."""
    hits = []
    for alternative in alternatives:
        span = tuple(
            i for i, w in enumerate(words) if w.start < alternative.end and w.end > alternative.start
        )
        heard = {lexicon.term_of(spellings[index]) for index in span}
        terms = [lexicon.term_of(spelling_of(text)) for text in alternative.text.split()]
        term = next((term for term in terms if term and term not in heard), None)
        if term:
            hits.append(
                ProfanityHit(
                    start=max(0.0, alternative.start - TIMING_LEAD),
                    end=alternative.end + TIMING_LAG,
                    heard=" ".join(words[index].text.strip() for index in span),
                    term=term,
                    confidence=round(min(1.0, max(0.0, alternative.probability)), 3),
                    certain=False,
                    word_indexes=span,
                )
            )
    return hits


def _same_profanity(hit: ProfanityHit, other: ProfanityHit) -> bool:
    """Whether two hits may be one spoken word: they share a heard word, or a term and some time."""
    same_time = hit.start < other.end and other.start < hit.end
    return not set(hit.word_indexes).isdisjoint(other.word_indexes) or (same_time and hit.term == other.term)


def _probability(words: Sequence[Word], span: Iterable[int]) -> float:
    return min(words[index].probability for index in span)


def _hit(
    words: Sequence[Word], span: tuple[int, ...], term: str, confidence: float, *, certain: bool
) -> ProfanityHit:
    return ProfanityHit(
        start=max(0.0, words[span[0]].start - TIMING_LEAD),
        end=words[span[-1]].end + TIMING_LAG,
        heard=" ".join(words[index].text.strip() for index in span),
        term=term,
        confidence=round(min(1.0, max(0.0, confidence)), 3),
        certain=certain,
        word_indexes=span,
    )


def _disjoint(hits: list[ProfanityHit], *, longest_first: bool) -> list[ProfanityHit]:
    """The best hits that share no word: by confidence, or longest first (a phrase over its words)."""
    kept: list[ProfanityHit] = []
    taken: set[int] = set()
    for hit in sorted(
        hits, key=lambda h: (-len(h.word_indexes) if longest_first else 0, -h.confidence, h.start)
    ):
        if taken.isdisjoint(hit.word_indexes):
            kept.append(hit)
            taken.update(hit.word_indexes)
    return kept
