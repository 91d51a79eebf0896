import pytest
from django.core.exceptions import ImproperlyConfigured

from reelremix.env import (
    database_from_url,
    env_bool,
    env_choice,
    env_int,
    env_rate,
    env_str,
    redis_url_with_db,
)


def test_it_parses_a_database_url():
    db = database_from_url("postgres://app:s%40cret@db.internal:6543/reel?sslmode=require", 8, 30.0)
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "reel", "app", "s@cret", "db.internal", "6543",
    )  # fmt: skip
    pool = {"min_size": 1, "max_size": 8, "timeout": 30.0, "max_idle": 300}
    assert db["OPTIONS"] == {"sslmode": "require", "pool": pool}
    assert (db["ENGINE"], db["CONN_MAX_AGE"]) == ("reelremix.db", 0)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u@h/db", "must start with one of pgsql, postgres, postgresql"),
        ("postgres:///db", "has no host"),
        ("postgres://u@h:5432", "names no database"),
        ("postgres://u@h:notaport/db", "is malformed"),
        ("not a url", "must start with"),
    ],
)
def test_it_refuses_a_malformed_database_url(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        database_from_url(url, 8, 30.0)


def test_it_moves_redis_urls_between_databases():
    assert redis_url_with_db("redis://:p@ss@cache:6380/0", 2) == "redis://:p%40ss@cache:6380/2"
    assert redis_url_with_db("rediss://cache", 1) == "rediss://cache:6379/1"


def test_it_fails_loudly_on_bad_booleans_and_integers(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG='maybe' is not a boolean"):
        env_bool("FLAG")
    monkeypatch.setenv("PORT", "80x")
    with pytest.raises(ImproperlyConfigured, match="PORT='80x' is not an integer"):
        env_int("PORT", 1)
    monkeypatch.setenv("PORT", "70000")
    with pytest.raises(ImproperlyConfigured, match="out of range"):
        env_int("PORT", 1, minimum=1, maximum=65535)


@pytest.mark.parametrize("raw", ["600", "0/minute", "10/minutes", "ten/hour", "5/m"])
def test_it_fails_loudly_on_a_bad_rate(monkeypatch, raw):
    monkeypatch.setenv("API_RATE_USER", raw)
    with pytest.raises(ImproperlyConfigured, match="is not a rate like 600/minute"):
        env_rate("API_RATE_USER", "60/minute")


def test_it_reads_a_rate(monkeypatch):
    assert env_rate("API_RATE_USER", "60/minute") == "60/minute"
    monkeypatch.setenv("API_RATE_USER", " 5/second ")
    assert env_rate("API_RATE_USER", "60/minute") == "5/second"


def test_it_reads_secrets_from_files(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("API_KEY_FILE", str(secret))
    assert env_str("API_KEY") == "from-a-file"
    monkeypatch.setenv("API_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env_str("API_KEY")


def test_it_reads_one_of_a_few_named_values(monkeypatch):
    assert env_choice("SEARCH", "DEFAULT", ("DEFAULT", "HEURISTIC")) == "DEFAULT"
    monkeypatch.setenv("SEARCH", "HEURISTIC")
    assert env_choice("SEARCH", "DEFAULT", ("DEFAULT", "HEURISTIC")) == "HEURISTIC"
    monkeypatch.setenv("SEARCH", "heuristic")
    with pytest.raises(ImproperlyConfigured, match="SEARCH='heuristic' is not one of DEFAULT, HEURISTIC"):
        env_choice("SEARCH", "DEFAULT", ("DEFAULT", "HEURISTIC"))
