"""`reelremix process FILE`: the CLI submits, shows progress, prints the flags and the output path."""

import subprocess
from pathlib import Path

from reelremix.demo_video import DEMO_SPEECH, make_face_video
from reelremix.tests.cli import REELREMIX


def _process(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([REELREMIX, "process", *args], env=env, capture_output=True, text=True, timeout=300)


def test_it_moderates_a_file_and_prints_flags_and_output(e2e_env, tmp_path):
    clip = tmp_path / "clip.mp4"
    make_face_video(clip, DEMO_SPEECH, 13.0, size=(480, 270), fps=25, gop=50)
    result = _process(e2e_env, str(clip))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "Case: Censored automatically" in lines
    assert any(line.startswith("face       FACE") for line in lines)
    assert sum(line.startswith("profanity") for line in lines) >= 3
    output = Path(lines[-1].removeprefix("Censored output: "))
    assert output.is_file() and output.stat().st_size > 10_000
    assert "100.0 %" in result.stdout  # the progress bar reached the end
    # The worker's log lines go to a file, not over the progress bar.
    assert "dramatiq" not in result.stdout.lower() + result.stderr.lower()
    assert "dramatiq" in (Path(e2e_env["REELREMIX_VAR_DIR"]) / "log" / "worker.log").read_text().lower()


def test_it_refuses_a_file_that_is_not_a_video(e2e_env, tmp_path):
    notes = tmp_path / "notes.mp4"
    notes.write_text("meeting notes, not a video")
    result = _process(e2e_env, str(notes))
    assert result.returncode == 2
    assert result.stderr.startswith("reelremix: error: notes.mp4: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_it_refuses_an_unknown_tenant(e2e_env, tmp_path):
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"")
    result = _process(e2e_env, str(clip), "--tenant", "nobody")
    assert result.returncode == 2
    assert "no tenant 'nobody'" in result.stderr
