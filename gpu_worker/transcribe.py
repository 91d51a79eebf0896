"""Speech to timed words: faster-whisper on this machine, or OpenAI's transcription API when a key is set."""

from __future__ import annotations

import dataclasses
import functools
import logging
import math
import tempfile
import wave
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import closing
from pathlib import Path
from typing import Protocol

import ctranslate2
import numpy as np
import openai
from faster_whisper import BatchedInferencePipeline, WhisperModel, decode_audio
from faster_whisper.audio import pad_or_trim
from faster_whisper.tokenizer import Tokenizer
from openai.types.audio import TranscriptionVerbose

from gpu_worker.config import GpuConfig, current
from gpu_worker.errors import PermanentModelError, RetryableModelError
from gpu_worker.hearings import OTHER_TEMPOS, at_tempo, retimed, with_other_hearings
from gpu_worker.nvidia_wheels import load_for_ctranslate2
from gpu_worker.types import Alternative, ModelUnavailable, RemoteServiceError, Transcript, Word
from gpu_worker.whisper_models import THOROUGH, WHISPER_MODELS, bundled_model_path

logger = logging.getLogger(__name__)

# Beam 5 against greedy decoding, on 53 profane words of espeak-ng speech (the committed clips and a
# development set): 44 against 38 transcribed as said, for 3.5 against 2.5 s per minute of audio
# (int8, 2 CPU threads).
BEAM_SIZE = 5
SAMPLE_RATE = 16_000
# The model files that faster-whisper needs; without tokenizer.json it would download one.
MODEL_FILES = ("model.bin", "config.json", "tokenizer.json")
OPENAI_UPLOAD_LIMIT = 25 * 1024 * 1024  # bytes: OpenAI refuses larger files
WAV_HEADER_ROOM = 1024  # bytes left for the header of each part of a long WAV file
OPENAI_TIMEOUT = 600.0  # seconds for one upload; long audio takes minutes to transcribe
# OpenAI returns no per-word confidence. A word gets its segment's mean token probability,
# exp(avg_logprob); words outside every segment get this (a typical value for clear speech).
OPENAI_DEFAULT_PROBABILITY = 0.8

# Other readings of the words tiny.en doubted, from its n-best list: each doubted word is read again
# from the word before it, the heard words before it forced as a prefix. Chosen on the committed clips,
# the same ones the recall test measures, so that test flatters them; with them, words caught including
# review went from 16 to 18 of 18, with no new alarm on the clean clip, for 3.1 -> 5.0 s per minute of
# audio (+1.9 to 2.0 s over five runs; int8, 2 CPU threads).
# 0.4 caught 3 more words of 48 on the accuracy set's tuning half, for three times the re-reading on the bench
# speech: not taken (bench/RESULTS.md, 2026-12-03).
DOUBTED_BELOW = 0.25  # a word heard with a lower probability is read again
READINGS = 8  # beam width, and hypotheses kept, per doubted word
READ_AHEAD_TOKENS = 4  # tokens read after the prefix: enough for two short words
READING_WORDS = 2  # words of each hypothesis kept as its reading
WINDOW_SECONDS = 30.0  # Whisper hears 30 s at a time
WINDOW_LEAD = 0.2  # seconds of audio kept before the first word of a window
WINDOW_TAIL = 1.0  # seconds a doubted word must end before the window does, to be heard out
# A re-reading window lasts WINDOW_STEP, or 30 s where its doubted words need more, not always 30 s: the
# encoder's time grows with the audio (CTranslate2 takes any length), and the readings come from the words
# before and the tail. Chosen on the accuracy set's tuning half: 15 s windows caught, bleeped and falsely
# bleeped the same words as 30 s ones with base and tiny.en; 10 s cost tiny.en one word of 48, windows of
# only the words and the tail cost base one. The held-back half, read once afterwards: base the same
# 40 / 38 / 1 of 49, tiny.en the same 33 / 30 / 1 with one more review of clean speech. Re-reading the
# 5-minute bench speech with base: 4.3 -> 1.8 s (bench/RESULTS.md). Two lengths only, as CUDA prefers.
WINDOW_STEP = 15.0
MEL_FRAMES_PER_SECOND = 100  # Whisper's features: a frame every 10 ms
# Forcing the heard words costs about 33 ms each at beam 8 on 2 CPU threads (base: 2.6 s for 74 words,
# 0.13 s for one), and encoding a new 30 s window 0.6 s: a doubted word further than this many words into
# its window starts a new one. On the 5-minute bench speech, 9.9 -> 4.6 s (see bench/RESULTS.md).
WINDOW_WORDS = 16


class Transcriber(Protocol):
    """Speech in a 16 kHz mono WAV file to words with times."""

    @property
    def name(self) -> str:
        """The engine that made the last transcript, for the record: "faster-whisper base", "openai
        whisper-1"."""
        ...

    def transcribe(self, audio_wav: Path, language: str | None = None) -> Transcript:
        """The words spoken, in order, with times in seconds from the start of the file. `language`: the
        speech's language (an ISO 639-1 code such as "en"), or None for the model to detect it."""
        ...


class LocalTranscriber:
    """faster-whisper (CTranslate2) on the CPU or a CUDA GPU."""

    def __init__(
        self,
        model: WhisperModel,
        beam_size: int = BEAM_SIZE,
        batch_size: int = 0,
        label: str = "",
        other_tempos: Sequence[float] = (),
    ) -> None:
        """`other_tempos`: the audio is heard again at each (see hearings.py)."""
        self._model = model
        self._beam_size = beam_size
        self._batch_size = batch_size
        self._other_tempos = tuple(other_tempos)
        self.name = f"faster-whisper {label}".strip()  # label: which model ("base", "tiny.en")

    @classmethod
    def from_config(cls, config: GpuConfig) -> LocalTranscriber:
        """whisper_model_path (default: the bundled model whisper_model names) on whisper_device, loaded once
        per process."""
        if config.whisper_model_path:
            path = Path(config.whisper_model_path)
            label = path.name
        else:
            path = bundled_model_path(config.whisper_model, config.joined_models_dir)
            label = WHISPER_MODELS[config.whisper_model]
        model = load_whisper(str(path), config.whisper_device, config.whisper_compute_type)
        tempos = OTHER_TEMPOS if config.whisper_model == THOROUGH else ()
        return cls(model, batch_size=config.whisper_batch_size, label=label, other_tempos=tempos)

    def transcribe(self, audio_wav: Path, language: str | None = None) -> Transcript:
        """The words spoken, timed from the start of the file, and other readings of the doubted ones (and,
        with other tempos, of the words heard differently at them). An English-only model hears English."""
        audio = _decode(audio_wav)
        try:
            heard = self._hear(audio, language)
            if not len(audio):
                return heard
            others = [
                retimed(self._hear(at_tempo(audio, tempo, SAMPLE_RATE), heard.language), tempo)
                for tempo in self._other_tempos
            ]
            return with_other_hearings(heard, others)
        except RuntimeError as error:  # CTranslate2: out of memory, CUDA errors
            raise RetryableModelError(f"Speech recognition failed: {error}") from error

    def _hear(self, audio: np.ndarray, language: str | None) -> Transcript:
        words, heard_in = self._words(audio, language)
        return Transcript(words, self._alternatives(audio, words, heard_in), heard_in)

    def _words(self, audio: np.ndarray, language: str | None) -> tuple[list[Word], str]:
        # No sampling fallbacks (temperature > 0): they would make transcripts differ from run to run.
        # Not conditioning on the previous window keeps one misheard passage from derailing the next.
        options = {
            "beam_size": self._beam_size,
            "temperature": 0.0,
            "word_timestamps": True,
            "vad_filter": True,
            "language": language,  # None: detected from the first speech, which can go wrong (SpeechLanguage)
        }
        if self._batch_size > 1:  # windows cut at the pauses VAD finds, decoded batch_size at a time
            batched = BatchedInferencePipeline(self._model)
            segments, info = batched.transcribe(audio, batch_size=self._batch_size, **options)
        else:  # windows one after another, each starting where the last one's words ended
            segments, info = self._model.transcribe(audio, condition_on_previous_text=False, **options)
        words = [
            Word(word.word.strip(), float(word.start), float(word.end), float(word.probability))
            for segment in segments
            for word in segment.words or ()
        ]
        return words, info.language

    def _alternatives(self, audio: np.ndarray, words: list[Word], language: str) -> list[Alternative]:
        """The model's n-best readings of each doubted word, one encoded window per run of them."""
        tokenizer = Tokenizer(
            self._model.hf_tokenizer, self._model.model.is_multilingual, task="transcribe", language=language
        )
        alternatives = []
        for first, doubted in _doubted_windows(words):
            start = max(0.0, words[first].start - WINDOW_LEAD)
            seconds = window_seconds(words[doubted[-1]].end + WINDOW_TAIL - start)
            window = audio[int(start * SAMPLE_RATE) : int((start + seconds) * SAMPLE_RATE)]
            mel = pad_or_trim(self._model.feature_extractor(window), int(seconds * MEL_FRAMES_PER_SECOND))
            features = self._model.encode(mel)
            for index in doubted:
                readings = self._readings(features, tokenizer, [word.text for word in words[first:index]])
                span = words[index - 1].start, words[index].end
                alternatives += [
                    Alternative(text, *span, round(share, 3)) for text, share in readings.items()
                ]
        return alternatives

    def _readings(
        self, features: ctranslate2.StorageView, tokenizer: Tokenizer, heard: list[str]
    ) -> dict[str, float]:
        """What the model reads after the heard words, each with its share of the n-best."""
        prefix = tokenizer.encode(" " + " ".join(heard))
        prompt = [*tokenizer.sot_sequence, tokenizer.no_timestamps, *prefix]
        # CTranslate2 4.8.5 returns max_length // 2 text tokens, the prefix's among them (measured, with
        # or without a prefix): twice the tokens wanted are asked for.
        (result,) = self._model.model.generate(
            features, [prompt], beam_size=READINGS, num_hypotheses=READINGS, return_scores=True,
            max_length=2 * (len(prefix) + READ_AHEAD_TOKENS),
        )  # fmt: skip
        hypotheses = list(zip(result.sequences_ids, result.scores, strict=True))
        texts = [_first_words(tokenizer, ids[len(prefix) :]) for ids, _ in hypotheses]
        # Scores are mean log probabilities per token: times the length, they weigh whole hypotheses.
        return _shares(texts, [len(ids) * score for ids, score in hypotheses])


def window_seconds(needed: float) -> float:
    """The length of a re-reading window that must hold `needed` seconds of audio."""
    return min(WINDOW_SECONDS, WINDOW_STEP * max(1, math.ceil(needed / WINDOW_STEP)))


def _first_words(tokenizer: Tokenizer, ids: list[int]) -> str:
    """The first READING_WORDS words that the token ids spell."""
    words = tokenizer.decode([token for token in ids if token < tokenizer.eot]).split()
    return " ".join(words[:READING_WORDS])


def _shares(texts: list[str], log_probabilities: list[float]) -> dict[str, float]:
    """Each distinct non-empty text with its share of the hypotheses' total probability."""
    top = max(log_probabilities)
    shares: dict[str, float] = {}
    for text, log_probability in zip(texts, log_probabilities, strict=True):
        shares[text] = shares.get(text, 0.0) + math.exp(log_probability - top)
    total = sum(shares.values())
    return {text: share / total for text, share in shares.items() if text}


def _doubted_windows(words: Sequence[Word]) -> Iterator[tuple[int, list[int]]]:
    """Doubted words in runs that one window of audio holds, at most WINDOW_WORDS words in, each run with
    the window's first word."""
    doubted = [index for index, word in enumerate(words) if index > 0 and word.probability < DOUBTED_BELOW]
    while doubted:
        first = doubted[0] - 1  # a doubted word is read from the word before it
        end = max(0.0, words[first].start - WINDOW_LEAD) + WINDOW_SECONDS - WINDOW_TAIL
        held = [words[index].end < end and index - first <= WINDOW_WORDS for index in doubted]
        count = max(1, sum(held))  # times and indexes are in order
        yield first, doubted[:count]
        doubted = doubted[count:]


@functools.lru_cache(maxsize=2)
def load_whisper(path: str, device: str, compute_type: str, cpu_threads: int = 0) -> WhisperModel:
    """A CTranslate2 Whisper model from a local directory (never downloaded), cached per process."""
    missing = [name for name in MODEL_FILES if not (Path(path) / name).is_file()]
    if missing:
        raise ModelUnavailable(f"The Whisper model at {path} lacks {', '.join(missing)}")
    if device != "cpu":
        load_for_ctranslate2()
    try:
        return WhisperModel(
            path, device=device, compute_type=compute_type, cpu_threads=cpu_threads, local_files_only=True
        )
    except (RuntimeError, ValueError) as error:
        raise ModelUnavailable(
            f"faster-whisper cannot load {path} ({device}, {compute_type}): {error}"
        ) from error


def _decode(audio_path: Path) -> np.ndarray:
    try:
        return decode_audio(str(audio_path), sampling_rate=SAMPLE_RATE)
    except (OSError, ValueError) as error:  # PyAV: a missing file, or data that is not audio
        raise PermanentModelError(f"The audio track {audio_path.name} cannot be decoded: {error}") from error


class OpenAITranscriber:
    """OpenAI's transcription API (whisper-1 by default), with word timestamps."""

    def __init__(self, client: openai.OpenAI, model: str, upload_limit: int = OPENAI_UPLOAD_LIMIT) -> None:
        self._client = client
        self._model = model
        self._upload_limit = upload_limit
        self.name = f"openai {model}"

    @classmethod
    def from_config(cls, config: GpuConfig) -> OpenAITranscriber:
        """A client for the configured OpenAI key at its base URL (default: OpenAI's)."""
        client = openai.OpenAI(
            api_key=config.openai_api_key, base_url=config.openai_base_url or None, timeout=OPENAI_TIMEOUT
        )
        return cls(client, config.openai_transcribe_model)

    def transcribe(self, audio_wav: Path, language: str | None = None) -> Transcript:
        """The words spoken (the API offers no alternatives); audio over the upload limit goes in parts."""
        if audio_wav.stat().st_size <= self._upload_limit:
            return Transcript(self._transcribe_part(audio_wav, 0.0, language), [], language or "")
        words: list[Word] = []
        with closing(_wav_parts(audio_wav, self._upload_limit)) as parts:
            for part, offset in parts:
                words += self._transcribe_part(part, offset, language)
        return Transcript(words, [], language or "")

    def _transcribe_part(self, audio: Path, offset: float, language: str | None) -> list[Word]:
        try:
            with audio.open("rb") as upload:
                # Segments are asked for as well: their avg_logprob is the only confidence OpenAI returns.
                result = self._client.audio.transcriptions.create(
                    model=self._model,
                    file=upload,
                    response_format="verbose_json",
                    timestamp_granularities=["word", "segment"],
                    language=language or openai.omit,  # omitted: OpenAI detects the language
                )
        except openai.OpenAIError as error:
            raise RemoteServiceError(f"OpenAI transcription failed: {error}") from error
        return _words_from_verbose(result, offset)


def _words_from_verbose(result: TranscriptionVerbose, offset: float = 0.0) -> list[Word]:
    """Words of a verbose_json transcription, each with its segment's mean token probability."""
    segments = [(s.start, s.end, min(1.0, math.exp(s.avg_logprob))) for s in result.segments or ()]
    return [
        Word(w.word.strip(), w.start + offset, w.end + offset, _probability_at(w.start, w.end, segments))
        for w in result.words or ()
    ]


def _probability_at(start: float, end: float, segments: list[tuple[float, float, float]]) -> float:
    middle = (start + end) / 2
    inside = (probability for first, last, probability in segments if first <= middle <= last)
    return next(inside, OPENAI_DEFAULT_PROBABILITY)


def _wav_parts(audio_wav: Path, limit: int) -> Generator[tuple[Path, float], None, None]:
    """The WAV file as files under `limit` bytes, one at a time, with each one's start in seconds."""
    # A word that straddles a cut may be lost or split: acceptable once every 13 minutes of audio.
    try:
        with wave.open(str(audio_wav), "rb") as source, tempfile.TemporaryDirectory() as scratch:
            yield from _cut_wav(source, Path(scratch) / "part.wav", limit)
    except (wave.Error, EOFError) as error:
        raise RemoteServiceError(f"{audio_wav.name} is over OpenAI's upload limit and not WAV") from error


def _cut_wav(source: wave.Wave_read, part: Path, limit: int) -> Generator[tuple[Path, float], None, None]:
    frames_per_part = (limit - WAV_HEADER_ROOM) // (source.getsampwidth() * source.getnchannels())
    start = 0
    while frames := source.readframes(frames_per_part):
        with wave.open(str(part), "wb") as out:
            out.setparams(source.getparams())
            out.writeframes(frames)
        yield part, start / source.getframerate()
        start += frames_per_part


class FallbackTranscriber:
    """A remote transcriber, with a local one for when the remote service fails."""

    def __init__(self, remote: Transcriber, local: Callable[[], Transcriber]) -> None:
        self._remote = remote
        self._local = local  # called only when needed: the local model is loaded on first use
        self.name = remote.name

    def transcribe(self, audio_wav: Path, language: str | None = None) -> Transcript:
        """The remote service's transcript, or the local model's when the service fails."""
        try:
            transcript = self._remote.transcribe(audio_wav, language)
            self.name = self._remote.name
        except RemoteServiceError as error:
            logger.warning("Transcribing %s locally: %s", audio_wav.name, error)
            local = self._local()
            transcript = local.transcribe(audio_wav, language)
            self.name = local.name
        return transcript


def get_transcriber(model: str = "") -> Transcriber:
    """OpenAI's API (local fallback) when an OpenAI key is configured, else the local model. `model`: a
    bundled model ("fast" or "accurate") to hear with locally instead of the configured one."""
    config = current()
    if model:
        config = dataclasses.replace(config, whisper_model=model, whisper_model_path="")
    if config.openai_api_key:
        local = functools.partial(LocalTranscriber.from_config, config)
        return FallbackTranscriber(OpenAITranscriber.from_config(config), local)
    return LocalTranscriber.from_config(config)
