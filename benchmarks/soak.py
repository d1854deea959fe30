"""Soak benchmark of ``monitor run`` (not a test): many sources on short intervals for minutes on end.

Starts loopback HTTP servers (one per host 127.0.0.1 ... 127.0.0.N, so that the default politeness of one
request per host applies as it would on the internet), writes a configuration of ``--sources`` sources on a
``--interval`` schedule, runs ``monitor run --log-format json`` as a subprocess for ``--minutes`` and reads
its log. Prints the service's resident memory once every source has been checked (warm) and at the end,
the schedule lag (when a check started minus when it was scheduled) p50/p99/max, and how SIGTERM went.

Goal: no memory growth beyond noise, p99 lag under one second.

    .venv/bin/python benchmarks/soak.py                 # 10 minutes, 200 sources every 5 s
    .venv/bin/python benchmarks/soak.py --minutes 2     # a quicker look
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.demo import sample_page  # noqa: E402 - after the path fix, to run from a source tree

PAGES = [sample_page("refworld-khm", 1), sample_page("state-mda", 1)]


def start_servers(hosts: int, dynamic: bool) -> list[ThreadingHTTPServer]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            n = int(self.path.strip("/").split("-")[-1] or 0)
            body = PAGES[n % len(PAGES)]
            if dynamic:  # new chrome every time: every check downloads, parses and compares
                body = body.replace(b"</body>", f"<footer>Generated {time.time():.6f}</footer></body>".encode())
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    servers = []
    for i in range(hosts):
        try:
            httpd = ThreadingHTTPServer((f"127.0.0.{i + 1}", 0), Handler)
        except OSError:
            if i == 0:
                raise
            break  # a system without the whole 127/8 on loopback: fewer hosts
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
    return servers


def write_config(folder: Path, servers: list[ThreadingHTTPServer], sources: int, interval: str,
                 workers: int) -> Path:
    lines = ["storage: store", f"fetch: {{workers: {workers}}}", "sources:"]
    for n in range(sources):
        address = servers[n % len(servers)].server_address
        host, port = str(address[0]), int(address[1])
        lines += [f"  - id: s{n:04d}", f"    url: http://{host}:{port}/page-{n}", f"    schedule: {interval}"]
    path = folder / "config.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class LogReader(threading.Thread):
    """Reads the service's JSON log lines: lags, statuses, and anything that is not a check."""

    def __init__(self, stream: Any) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.lags: list[float] = []
        self.statuses: Counter[str] = Counter()
        self.checked: set[str] = set()
        self.problems: list[str] = []
        self.lock = threading.Lock()

    def run(self) -> None:
        for raw in self.stream:
            try:
                record = json.loads(raw)
            except ValueError:
                self.problems.append(raw.rstrip())
                continue
            with self.lock:
                if record.get("event") == "check":
                    self.statuses[record["status"]] += 1
                    self.checked.add(record["source"])
                    if record.get("lag") is not None:
                        self.lags.append(float(record["lag"]))
                elif record.get("level") in ("warning", "error", "critical") and len(self.problems) < 20:
                    self.problems.append(record.get("message", raw.rstrip()))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--interval", default="5s")
    parser.add_argument("--hosts", type=int, default=10, help="loopback hosts 127.0.0.1..N (default 10)")
    parser.add_argument("--workers", type=int, default=8, help="fetch.workers (default 8)")
    parser.add_argument("--dynamic", action="store_true",
                        help="pages carry a new timestamp in their footer on every request, so that each "
                             "check parses and compares instead of recognising the same bytes")
    args = parser.parse_args()

    servers = start_servers(args.hosts, args.dynamic)
    with tempfile.TemporaryDirectory(prefix="monitor-soak-") as tmp:
        config = write_config(Path(tmp), servers, args.sources, args.interval, args.workers)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(config), "run",
                                 "--log-format", "json"], stderr=subprocess.PIPE, text=True, env=env)
        reader = LogReader(proc.stderr)
        reader.start()
        started = time.monotonic()
        deadline = started + args.minutes * 60
        warm_rss = warm_at = None
        warm_lags = 0
        samples: list[tuple[float, int]] = []
        next_sample = started
        while time.monotonic() < deadline and proc.poll() is None:
            now = time.monotonic()
            with reader.lock:
                all_checked = len(reader.checked) >= args.sources
            if warm_rss is None and all_checked:
                warm_rss, warm_at = rss_kib(proc.pid), now - started
                warm_lags = len(reader.lags)
                next_sample = now + 60
            if warm_rss is not None and now >= next_sample:
                samples.append((now - started, rss_kib(proc.pid)))
                next_sample += 60
            time.sleep(0.5)
        if proc.poll() is not None:
            print(f"the service exited early with status {proc.returncode}", file=sys.stderr)
            print("\n".join(reader.problems), file=sys.stderr)
            return 1
        end_rss = rss_kib(proc.pid)
        stop_started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
        stop_seconds = time.monotonic() - stop_started
        reader.join(timeout=5)
    for httpd in servers:
        httpd.shutdown()

    elapsed = args.minutes * 60
    lags = reader.lags
    steady = lags[warm_lags:] if warm_rss is not None else lags
    expected = args.sources * elapsed / _seconds(args.interval)
    print(f"soak: {args.sources} sources every {args.interval} on {len(servers)} loopback hosts, "
          f"{args.minutes:g} min, fetch.workers {args.workers}{', pages changing chrome' if args.dynamic else ''}")
    print(f"checks: {sum(reader.statuses.values())} (schedule asks ~{expected:.0f}); "
          + ", ".join(f"{n} {s}" for s, n in reader.statuses.most_common()))
    if warm_rss is not None:
        print(f"resident memory: {warm_rss / 1024:.1f} MiB once every source was checked (t={warm_at:.0f}s), "
              f"{end_rss / 1024:.1f} MiB at the end ({(end_rss - warm_rss) / 1024:+.1f} MiB)")
    print("resident memory each minute after warm-up (MiB): " + ", ".join(f"{kib / 1024:.1f}" for _, kib in samples))
    print(f"schedule lag, all checks:        p50 {percentile(lags, 50) * 1000:.0f} ms, "
          f"p99 {percentile(lags, 99) * 1000:.0f} ms, max {max(lags, default=0) * 1000:.0f} ms")
    print(f"schedule lag, after warm-up:     p50 {percentile(steady, 50) * 1000:.0f} ms, "
          f"p99 {percentile(steady, 99) * 1000:.0f} ms, max {max(steady, default=0) * 1000:.0f} ms")
    print(f"SIGTERM: exit status {code} after {stop_seconds:.2f} s")
    if reader.problems:
        print(f"warnings/errors logged ({len(reader.problems)} shown):")
        for line in reader.problems:
            print("  " + line)
    if lags:
        print(f"mean lag {statistics.fmean(lags) * 1000:.0f} ms")
    return 0 if code == 0 else 1


def _seconds(interval: str) -> float:
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    return float(interval[:-1]) * units[interval[-1]]


if __name__ == "__main__":
    sys.exit(main())
