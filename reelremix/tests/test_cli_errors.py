"""Bad configuration stops start-up with one clear line and exit status 2, never a traceback."""

from django.conf import settings

from reelremix.tests.cli import run_cli


def _one_line_error(result) -> str:
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_it_refuses_a_malformed_database_url(tmp_path):
    result = run_cli("up", DATABASE_URL="mysql://root@db/reel", REELREMIX_VAR_DIR=str(tmp_path))
    assert _one_line_error(result) == (
        "reelremix: error: DATABASE_URL must start with one of pgsql, postgres, postgresql:// (got 'mysql')"
    )


def test_it_refuses_a_web_port_in_use(tmp_path, taken_port):
    result = run_cli(
        "up", "--port", str(taken_port),
        DATABASE_URL=settings.DATABASE_URL, REDIS_URL=settings.REDIS_URL, REELREMIX_VAR_DIR=str(tmp_path),
    )  # fmt: skip
    assert _one_line_error(result) == (
        f"reelremix: error: port {taken_port} is in use by another program; pass --port to choose another"
    )


def test_it_refuses_an_embedded_database_port_in_use(tmp_path, taken_port):
    result = run_cli("up", "--port", "1", EMBEDDED_PG_PORT=str(taken_port), REELREMIX_VAR_DIR=str(tmp_path))
    assert _one_line_error(result).startswith(
        f"reelremix: error: port {taken_port} is in use by another program, so the embedded PostgreSQL cannot"
    )


def test_it_requires_a_secret_in_production(tmp_path):
    result = run_cli(
        "up", REELREMIX_ENV="production", DATABASE_URL=settings.DATABASE_URL, REDIS_URL=settings.REDIS_URL,
        REELREMIX_VAR_DIR=str(tmp_path),
    )  # fmt: skip
    assert _one_line_error(result) == (
        "reelremix: error: SECRET_KEY (or SECRET_KEY_FILE) must be set when REELREMIX_ENV=production"
    )


def test_it_refuses_a_bad_boolean(tmp_path):
    result = run_cli("down", DEBUG="maybe", REELREMIX_VAR_DIR=str(tmp_path))
    assert _one_line_error(result) == (
        "reelremix: error: DEBUG='maybe' is not a boolean (use 1/0, true/false, yes/no, on/off)"
    )


def test_it_refuses_an_unreachable_database(tmp_path):
    result = run_cli(
        "demo", DATABASE_URL="postgres://app@127.0.0.1:1/reel", REDIS_URL=settings.REDIS_URL,
        REELREMIX_VAR_DIR=str(tmp_path),
    )  # fmt: skip
    assert _one_line_error(result).startswith("reelremix: error: cannot use the database: connection failed")
