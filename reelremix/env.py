"""Environment parsers that fail loudly: a bad value stops start-up with one clear line."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_RATE = re.compile(r"[1-9][0-9]*/(second|minute|hour|day)")


def env_str(name: str, default: str = "") -> str:
    """A string from the environment, or from the file named by NAME_FILE (for secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as err:
            raise ImproperlyConfigured(f"{name}_FILE={file_name} cannot be read: {err.strerror}") from None
    return os.environ.get(name, default)


def env_choice(name: str, default: str, choices: Sequence[str]) -> str:
    """One of a few named values, from the environment."""
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(choices)}")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ImproperlyConfigured(f"{name}={value} is out of range [{minimum}, {maximum}]")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_rate(name: str, default: str) -> str:
    """A request rate such as `600/minute` (per second, minute, hour or day), as DRF's throttles read it."""
    raw = os.environ.get(name, "").strip() or default
    if not _RATE.fullmatch(raw):
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a rate like 600/minute (second, minute, hour, day)"
        )
    return raw


@dataclass(frozen=True)
class ServiceURL:
    """A parsed service URL such as postgres://user:pass@host:5432/name."""

    scheme: str
    host: str
    port: int | None
    user: str
    password: str
    path: str
    options: dict[str, str]


def parse_url(name: str, raw: str, schemes: set[str]) -> ServiceURL:
    """Parse NAME's URL, refusing anything without a known scheme and a host."""
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as err:
        raise ImproperlyConfigured(f"{name} is malformed: {err}") from None
    if parts.scheme not in schemes:
        wanted = ", ".join(sorted(schemes))
        raise ImproperlyConfigured(
            f"{name} must start with one of {wanted}:// (got {parts.scheme or 'none'!r})"
        )
    if not parts.hostname:
        raise ImproperlyConfigured(f"{name} has no host")
    return ServiceURL(
        scheme=parts.scheme,
        host=parts.hostname,
        port=port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        path=unquote(parts.path.lstrip("/")),
        options=dict(parse_qsl(parts.query)),
    )


def database_from_url(raw: str, pool_size: int, pool_timeout: float) -> dict[str, object]:
    """Django DATABASES['default'] for a postgres:// URL on the django-tenants backend, with a bounded
    pool of connections per process (psycopg_pool): at most `pool_size` connections whatever the number
    of threads, a request waiting up to `pool_timeout` seconds for one."""
    url = parse_url("DATABASE_URL", raw, {"postgres", "postgresql", "pgsql"})
    if not url.path:
        raise ImproperlyConfigured("DATABASE_URL names no database (postgres://user@host:5432/NAME)")
    pool = {"min_size": 1, "max_size": pool_size, "timeout": pool_timeout, "max_idle": 300}
    return {
        "ENGINE": "reelremix.db",  # django-tenants' backend, its pool's check made faster
        "NAME": url.path,
        "USER": url.user,
        "PASSWORD": url.password,
        "HOST": url.host,
        "PORT": str(url.port or 5432),
        "OPTIONS": {**url.options, "pool": pool},
        "CONN_MAX_AGE": 0,  # pooled: a closed connection goes back to the pool
        "CONN_HEALTH_CHECKS": True,  # the pool checks a connection before lending it (reelremix.db)
    }


def redis_url_with_db(raw: str, db: int) -> str:
    """The same Redis server as REDIS_URL, on logical database `db` (broker, channels, cache apart)."""
    url = parse_url("REDIS_URL", raw, {"redis", "rediss"})
    auth = ""
    if url.user or url.password:
        auth = f"{quote(url.user, safe='')}:{quote(url.password, safe='')}@"
    return f"{url.scheme}://{auth}{url.host}:{url.port or 6379}/{db}"
