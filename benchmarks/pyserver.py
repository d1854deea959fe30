"""A threaded static file server for the benchmarks when nginx is not installed.

``python -m benchmarks.pyserver --root DIR --port PORT [--no-validators]`` serves ``DIR/<name>.html`` as
``text/html; charset=utf-8`` on 127.0.0.1 with ETag and Last-Modified (answering conditional GETs with 304),
or without any validator. It prints ``ready <port>`` once it listens.
"""

from __future__ import annotations

import argparse
import email.utils
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


def make_handler(root: Path, validators: bool) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - the http.server naming
            name = self.path.split("?", 1)[0].lstrip("/")
            path = root / name
            if "/" in name or not name.endswith(".html") or not path.is_file():
                self._answer(404, b"not found", {})
                return
            stat = path.stat()
            headers: dict[str, str] = {}
            if validators:
                etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
                last_modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
                headers = {"ETag": etag, "Last-Modified": last_modified}
                if self.headers.get("If-None-Match") == etag or (
                        "If-None-Match" not in self.headers and self.headers.get("If-Modified-Since") == last_modified):
                    self._answer(304, b"", headers)
                    return
            self._answer(200, path.read_bytes(), headers)

        def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if status != 304:
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", required=True, type=Path)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--no-validators", action="store_true")
    args = parser.parse_args(argv)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args.root, not args.no_validators))
    server.daemon_threads = True
    print(f"ready {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        sys.stdout.flush()
        os._exit(0)


if __name__ == "__main__":
    main()
