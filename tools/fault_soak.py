"""A fault soak of `reelremix up`, as a deployment meets faults: videos are submitted through the API, a few
in flight at a time, while at random moments a worker process is killed (SIGKILL) or stopped (SIGTERM), a web
process is killed, Redis is killed (with its files kept, or lost), and PostgreSQL is restarted or killed.
Afterwards every video must have finished with the outcome of the first one, processed before any fault.

    .venv/bin/python tools/fault_soak.py [--seed N] [--minutes M] [--port P]

It uses a var folder and ports of its own (REELREMIX_VAR_DIR, EMBEDDED_PG_PORT, EMBEDDED_REDIS_PORT; by
default var/soak, 55490 and 56490; `up`'s own log goes to up.log there), prints each fault as it lands and a
summary, and exits 1 when any video did not finish as the first one did. Not part of the tests: it runs for as
many minutes as it is given.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "fault soak password"  # noqa: S105  # the soak's own admin, on loopback
IN_FLIGHT = 3  # videos being processed at once
FINISHED = ("succeeded", "failed")


def _log(*parts: object) -> None:
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


class Site:
    """The API of the `demo` tenant of a running `up`, as its admin; retries what a fault interrupts."""

    def __init__(self, port: int) -> None:
        self.base, self.session = f"http://127.0.0.1:{port}", requests.Session()
        self.session.headers["Host"] = f"demo.localhost:{port}"

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        for _ in range(120):
            try:
                answer = self.session.request(method, self.base + path, timeout=60, **kwargs)
                if answer.status_code < 300:
                    return answer.json()
            except requests.RequestException:
                pass  # a web process killed, or the database restarting
            time.sleep(2)
        raise SystemExit(f"{method} {path} did not succeed in 4 minutes")

    def log_in(self) -> None:
        token = self.call("POST", "/api/v1/auth/token/", data={"username": "admin", "password": PASSWORD})
        self.session.headers["Authorization"] = f"Token {token['token']}"

    def submit(self, clip: Path) -> int:
        return int(self.call("POST", "/api/v1/videos/", files={"file": (clip.name, clip.read_bytes())})["id"])

    def video(self, video_id: int) -> dict[str, Any]:
        return dict(self.call("GET", f"/api/v1/videos/{video_id}/"))

    def finished(self, video_id: int) -> bool:
        return self.video(video_id)["latest_job"]["state"] in FINISHED


def outcome(video: dict[str, Any]) -> dict[str, Any]:
    """What must not depend on faults: the job's state and result, the media facts, the censored file."""
    job = video["latest_job"]
    return {
        "state": job["state"],
        "result": job["result"],
        "media": [video[key] for key in ("duration", "width", "height", "fps", "has_audio")],
        "censored": video["censored_url"] is not None,
    }


class Faults:
    """The faults, each a method; `var` and the ports are those of the `up` under test."""

    def __init__(self, up: subprocess.Popen[bytes], var: Path, pg_port: int, redis_port: int) -> None:
        from reelremix import embedded  # imported once the environment names the soak's folder and ports

        self.embedded, self.up, self.var = embedded, up, var
        self.pg_port, self.redis_port = pg_port, redis_port

    def kill_worker(self, rng: random.Random) -> None:
        os.kill(rng.choice(self._workers()), signal.SIGKILL)

    def stop_worker(self, rng: random.Random) -> None:
        os.kill(rng.choice(self._workers()), signal.SIGTERM)

    def kill_web_process(self, rng: random.Random) -> None:
        os.kill(rng.choice(_children(self.up.pid, b"reelremix.web")), signal.SIGKILL)

    def kill_redis(self, rng: random.Random, *, lose_files: bool = False) -> None:
        os.kill(int((self.var / "redis" / "redis.pid").read_text()), signal.SIGKILL)
        time.sleep(0.5)
        if lose_files:
            for saved in [*(self.var / "redis").glob("*.aof"), *(self.var / "redis").glob("appendonlydir/*")]:
                saved.unlink()
            (self.var / "redis" / "dump.rdb").unlink(missing_ok=True)
        time.sleep(rng.uniform(1, 6))
        self.embedded.ensure_redis(self.var, self.redis_port)

    def lose_redis(self, rng: random.Random) -> None:
        self.kill_redis(rng, lose_files=True)

    def restart_postgres(self, rng: random.Random) -> None:
        self.embedded.stop_postgres(self.var, self.pg_port)
        time.sleep(rng.uniform(1, 6))
        self._start_postgres()

    def kill_postgres(self, rng: random.Random) -> None:
        os.kill(int((self.var / "pgdata" / "postmaster.pid").read_text().split()[0]), signal.SIGKILL)
        time.sleep(rng.uniform(1, 6))
        self._start_postgres()  # crash recovery, once the killed server's backends have noticed and exited

    def _start_postgres(self) -> None:
        for _ in range(30):
            try:
                self.embedded.ensure_postgres(self.var, self.pg_port)
                return
            except (self.embedded.EmbeddedServiceError, psycopg.Error):  # the killed server's backends linger
                time.sleep(1)
        raise SystemExit("PostgreSQL did not start again in 30 s")

    def _workers(self) -> list[int]:
        return [
            pid for master in _children(self.up.pid, b"dramatiq") for pid in _children(master, b"dramatiq")
        ]

    def all(self) -> list[Callable[[random.Random], None]]:
        return [
            self.kill_worker, self.kill_worker, self.stop_worker, self.kill_web_process,
            self.kill_redis, self.lose_redis, self.restart_postgres, self.kill_postgres,
        ]  # fmt: skip


def _children(parent: int, command: bytes) -> list[int]:
    """Processes whose parent is `parent` and whose command line holds `command`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid, rest = stat.read_text().split(" ", 1)
            ppid = int(rest.rsplit(")", 1)[1].split()[1])
            if ppid == parent and command in (stat.parent / "cmdline").read_bytes():
                found.append(int(pid))
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
    return found


def feed(site: Site, clip: Path, videos: list[int], stop: threading.Event) -> None:
    """Keep IN_FLIGHT videos being processed until `stop`."""
    while not stop.is_set():
        if sum(not site.finished(video) for video in videos[-IN_FLIGHT:]) < IN_FLIGHT:
            videos.append(site.submit(clip))
        time.sleep(1)


def soak(site: Site, faults: Faults, clip: Path, rng: random.Random, minutes: float) -> list[int]:
    """Videos submitted while faults land for `minutes`; returns their ids."""
    videos: list[int] = []
    stop = threading.Event()
    feeder = threading.Thread(target=feed, args=(site, clip, videos, stop), daemon=True)
    feeder.start()
    end = time.monotonic() + minutes * 60
    while time.monotonic() < end:
        time.sleep(rng.uniform(10, 35))
        fault = rng.choice(faults.all())
        try:
            fault(rng)
            _log("fault:", fault.__name__)
        except (IndexError, OSError) as error:  # no such process at that moment
            _log("fault:", fault.__name__, "found nothing to hit:", error)
    stop.set()
    feeder.join()
    return videos


def judge(site: Site, expected: dict[str, Any], videos: list[int], wait_minutes: float = 10) -> int:
    """Waits for every video to finish; prints each that did not as the first one did; returns their count."""
    deadline = time.monotonic() + wait_minutes * 60
    while not all(site.finished(video) for video in videos) and time.monotonic() < deadline:
        time.sleep(5)
    bad, reruns = 0, 0
    for video_id in videos:
        video = site.video(video_id)
        reruns += sum(stage["attempts"] - 1 for stage in video["latest_job"]["stages"])
        if outcome(video) != expected:
            bad += 1
            _log(f"video {video_id} differs:", outcome(video), video["latest_job"]["error"])
    _log(f"{len(videos)} videos under faults; {bad} differ from the undisturbed one; {reruns} stage reruns")
    return bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--minutes", type=float, default=20.0, help="how long faults land (default 20)")
    parser.add_argument("--port", type=int, default=8490, help="the web server's port (default 8490)")
    args = parser.parse_args()
    var = Path(os.environ.setdefault("REELREMIX_VAR_DIR", str(ROOT / "var" / "soak"))).resolve()
    pg_port = int(os.environ.setdefault("EMBEDDED_PG_PORT", "55490"))
    redis_port = int(os.environ.setdefault("EMBEDDED_REDIS_PORT", "56490"))
    os.environ.update(REELREMIX_ADMIN_PASSWORD=PASSWORD, DJANGO_SETTINGS_MODULE="reelremix.settings")
    sys.path.insert(0, str(ROOT))
    from reelremix.demo_video import DEMO_SPEECH, make_face_video

    var.mkdir(parents=True, exist_ok=True)
    clip = var / "soak.mp4"  # 20 s of a face and speech with profanity: faults land while stages run
    make_face_video(clip, DEMO_SPEECH, 20.0, size=(320, 180), fps=10, gop=20, preset="ultrafast")
    command = [str(ROOT / ".venv" / "bin" / "reelremix"), "up", "--port", str(args.port)]
    with (var / "up.log").open("ab") as up_log:
        up = subprocess.Popen(command, stdout=up_log, stderr=subprocess.STDOUT)
    try:
        site = Site(args.port)
        site.log_in()
        first = site.submit(clip)
        while not site.finished(first):
            time.sleep(2)
        expected = outcome(site.video(first))
        _log("undisturbed:", expected)
        rng = random.Random(args.seed)  # noqa: S311  # which fault when, not a secret
        videos = soak(site, Faults(up, var, pg_port, redis_port), clip, rng, args.minutes)
        bad = judge(site, expected, videos)
    finally:
        up.send_signal(signal.SIGINT)
        up.wait(120)
    raise SystemExit(1 if bad else 0)


if __name__ == "__main__":
    main()
