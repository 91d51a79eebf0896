"""A title for a short clip, written from what is said in it by OpenAI's chat API when a key is set. Without
a key there is no title here: the clips app keeps the transcript's strongest sentence."""

from __future__ import annotations

import openai

from gpu_worker.config import current
from gpu_worker.types import RemoteServiceError

TITLE_TIMEOUT = 30.0  # seconds per request; the client retries twice
MAX_TITLE_CHARS = 100
PROMPT = (
    "Write one catchy title, at most 70 characters, for a short social video in which this is said. "
    "Answer with the title only: no quotes, no hashtags, no emoji.\n\n{text}"
)


def title_writer() -> str | None:
    """The model that writes titles ("openai gpt-4o-mini"), or None when no key is configured."""
    config = current()
    return f"openai {config.openai_title_model}" if config.openai_api_key else None


def suggest_title(text: str) -> str | None:
    """A title for a clip that says `text`; None without a key or without words. RemoteServiceError when
    the API fails."""
    config = current()
    if not config.openai_api_key or not text.strip():
        return None
    client = openai.OpenAI(
        api_key=config.openai_api_key, base_url=config.openai_base_url or None, timeout=TITLE_TIMEOUT
    )
    try:
        reply = client.chat.completions.create(
            model=config.openai_title_model,
            messages=[{"role": "user", "content": PROMPT.format(text=text[:4000])}],
            max_tokens=40,
        )
    except openai.OpenAIError as error:
        raise RemoteServiceError(f"OpenAI title suggestion failed: {error}") from error
    content = (reply.choices[0].message.content or "").strip().strip('"“”').strip()
    return content.splitlines()[0][:MAX_TITLE_CHARS] if content else None
