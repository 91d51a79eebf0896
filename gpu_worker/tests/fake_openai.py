"""A local stand-in for OpenAI's transcription and chat endpoints, for the real `openai` client to talk to.

It takes what `POST /v1/audio/transcriptions` takes (a multipart form with the audio file) and what
`POST /v1/chat/completions` takes (JSON messages), records each request, and answers with the verbose_json
body or the chat reply it was given, or with an error status.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Upload:
    """One transcription request as the server received it."""

    authorization: str
    fields: dict[str, list[str]]  # form fields; repeated ones (timestamp_granularities[]) in order
    filename: str
    audio: bytes


@dataclass
class FakeOpenAI:
    """What the server answers, and what it was sent."""

    url: str = ""  # base URL for the client, ".../v1"
    transcription: dict[str, Any] = field(default_factory=dict)  # the verbose_json body
    status: int = 200
    uploads: list[Upload] = field(default_factory=list)
    chat_reply: str = ""  # what the assistant answers
    chats: list[dict[str, Any]] = field(default_factory=list)  # the JSON bodies of chat requests


def verbose_json(words: list[tuple[str, float, float]], avg_logprob: float = -0.25) -> dict[str, Any]:
    """A verbose_json body with these words and one segment around them."""
    end = words[-1][2] if words else 0.0
    text = " ".join(word for word, _, _ in words)
    segment = {
        "id": 0,
        "seek": 0,
        "start": 0.0,
        "end": end,
        "text": text,
        "tokens": [],
        "temperature": 0.0,
        "avg_logprob": avg_logprob,
        "compression_ratio": 1.2,
        "no_speech_prob": 0.01,
    }
    return {
        "task": "transcribe",
        "language": "english",
        "duration": end,
        "text": text,
        "words": [{"word": word, "start": start, "end": stop} for word, start, stop in words],
        "segments": [segment],
    }


@contextmanager
def fake_openai_server() -> Iterator[FakeOpenAI]:
    """Serve on 127.0.0.1 (a free port) in a thread until the block ends."""
    fake = FakeOpenAI()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class OpenAIHandler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.path == "/v1/audio/transcriptions":
                fake.uploads.append(_parse_upload(self.headers.get("Authorization", ""), self.headers, body))
                answer = fake.transcription
            elif self.path == "/v1/chat/completions":
                fake.chats.append(json.loads(body))
                answer = _chat_completion(fake.chats[-1]["model"], fake.chat_reply)
            else:
                self._reply(
                    404, {"error": {"message": f"no route {self.path}", "type": "invalid_request_error"}}
                )
                return
            if fake.status != 200:
                self._reply(
                    fake.status, {"error": {"message": "The server had an error", "type": "server_error"}}
                )
                return
            self._reply(200, answer)

        def _reply(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("retry-after-ms", "1")  # the client's retries need not wait in tests
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    return OpenAIHandler


def _chat_completion(model: str, content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _parse_upload(authorization: str, headers: Message, body: bytes) -> Upload:
    form = message_from_bytes(f"Content-Type: {headers['Content-Type']}\r\n\r\n".encode() + body, policy=HTTP)
    fields: dict[str, list[str]] = {}
    filename, audio = "", b""
    for part in form.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        if part.get_filename():
            filename, audio = part.get_filename() or "", payload
        else:
            fields.setdefault(str(name), []).append(payload.decode())
    return Upload(authorization, fields, filename, audio)
