"""A small closed-loop HTTP/1.1 load generator on asyncio: each client keeps one connection and sends its
next request when the last answer has arrived, so the load is bounded by the number of clients."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field


@dataclass
class LoadReport:
    clients: int
    seconds: float
    latencies: list[float] = field(default_factory=list)  # of answered requests, in seconds
    statuses: dict[int, int] = field(default_factory=dict)
    failures: int = 0  # connections refused or dropped, no answer

    @property
    def requests_per_second(self) -> float:
        return len(self.latencies) / self.seconds

    def quantile_ms(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500) + self.failures

    def summary(self) -> dict[str, float | int | dict[int, int]]:
        return {
            "clients": self.clients,
            "requests": len(self.latencies),
            "requests_per_second": round(self.requests_per_second, 1),
            "p50_ms": round(self.quantile_ms(0.5), 1),
            "p95_ms": round(self.quantile_ms(0.95), 1),
            "p99_ms": round(self.quantile_ms(0.99), 1),
            "mean_ms": round(1000 * statistics.fmean(self.latencies), 1) if self.latencies else 0.0,
            "statuses": dict(sorted(self.statuses.items())),
            "errors_5xx_or_dropped": self.server_errors,
        }


async def _read_answer(reader: asyncio.StreamReader) -> int:
    """Read one HTTP/1.1 response; returns its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {
        k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)
    }
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    return status


async def _client(port: int, requests: list[bytes], offset: int, deadline: float, report: LoadReport) -> None:
    reader = writer = None
    index = offset
    while time.monotonic() < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            assert reader is not None
            started = time.monotonic()
            writer.write(requests[index % len(requests)])
            status = await _read_answer(reader)
            report.latencies.append(time.monotonic() - started)
            report.statuses[status] = report.statuses.get(status, 0) + 1
        except (OSError, asyncio.IncompleteReadError, ValueError):
            report.failures += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.05)
        index += 1
    if writer is not None:
        writer.close()


def request_bytes(host: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    return "\r\n".join(lines).encode()


def run_load(port: int, requests: list[bytes], clients: int, seconds: float) -> LoadReport:
    """`clients` connections, each sending the requests in turn (from its own offset) for `seconds`."""
    report = LoadReport(clients, seconds)

    async def main() -> None:
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(_client(port, requests, i, deadline, report) for i in range(clients)))

    asyncio.run(main())
    return report
