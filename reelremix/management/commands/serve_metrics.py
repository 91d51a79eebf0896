"""`manage.py serve_metrics [--bind ADDRESS:PORT]`: the Prometheus samples of this machine's processes on
an internal address, for machines that run workers and no web process (whose /metrics would sum them)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reelremix.observability.metrics import serve_machine


class Command(BaseCommand):
    help = "Serve this machine's worker metrics to Prometheus on an internal address (no token: firewall it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:9464", help="ADDRESS:PORT (default 127.0.0.1:9464)")

    def handle(self, *args: Any, bind: str, **options: Any) -> None:
        address, _, port = bind.rpartition(":")
        if not address or not port.isdigit():
            raise CommandError(f"--bind {bind!r} must be ADDRESS:PORT, e.g. 10.0.0.5:9464")
        try:
            server, thread = serve_machine(address.strip("[]"), int(port))
        except OSError as error:
            raise CommandError(f"cannot listen on {bind}: {error.strerror}") from None
        self.stdout.write(f"Serving this machine's metrics at http://{bind}/metrics (Ctrl-C to stop)")
        try:
            thread.join()
        except KeyboardInterrupt:
            server.shutdown()
