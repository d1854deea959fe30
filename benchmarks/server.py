"""Serve a folder of pages on 127.0.0.1 for a benchmark pass: nginx when installed, else a Python server.

Both run as a child process of the benchmark, on a port fixed for the whole run (the sources' URLs name
it), restarted between passes to switch the folder or the validators:

- with validators: ``ETag`` and ``Last-Modified`` on, conditional GETs answered with 304;
- without: no ``ETag``, no ``Last-Modified``, every GET answered with the full body.

nginx gets its own temporary prefix, configuration, pid file and logs; nothing of the system's nginx is used.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

NGINX_CONF = """\
daemon off;
master_process on;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    types {{ text/html html; }}
    default_type text/html;
    charset utf-8;
    sendfile on;
    keepalive_timeout 300s;
    keepalive_requests 1000000;
    server {{
        listen 127.0.0.1:{port};
{front}
    }}
    server {{
        listen unix:{prefix}/static.sock;
        root {root};
    }}
    upstream static {{
        server unix:{prefix}/static.sock;
        keepalive 16;
    }}
}}
"""
# With validators the pages are served directly (ETag, Last-Modified, 304s). Without, they go through a
# proxy hop that hides both headers: nginx has no directive to drop a static file's Last-Modified, and the
# body filters that do (sub_filter, ssi) switch to chunked framing, which would measure the filter instead.
FRONT_VALIDATORS = """\
        root {root};
        etag on;
        if_modified_since exact;"""
FRONT_NO_VALIDATORS = """\
        location / {{
            proxy_pass http://static;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header If-None-Match "";
            proxy_set_header If-Modified-Since "";
            proxy_hide_header ETag;
            proxy_hide_header Last-Modified;
        }}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:g}s")


class PageServer:
    """Serves one folder at a time on ``port``; ``kind`` says which server it is."""

    kind = "none"

    def __init__(self, workdir: Path, port: int | None = None) -> None:
        self.workdir = workdir
        self.port = port or free_port()
        self._proc: subprocess.Popen[bytes] | None = None

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}.html"

    def start(self, root: Path, *, validators: bool) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.send_signal(signal.SIGQUIT if self.kind == "nginx" else signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def __enter__(self) -> PageServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class NginxServer(PageServer):
    kind = "nginx"

    def __init__(self, workdir: Path, port: int | None = None, binary: str = "nginx") -> None:
        super().__init__(workdir, port)
        self.binary = binary
        self.prefix = workdir / "nginx"
        for sub in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
            (self.prefix / sub).mkdir(parents=True, exist_ok=True)

    def start(self, root: Path, *, validators: bool) -> None:
        self.stop()
        conf = self.prefix / "nginx.conf"
        front = (FRONT_VALIDATORS if validators else FRONT_NO_VALIDATORS).format(root=root.resolve())
        conf.write_text(NGINX_CONF.format(prefix=self.prefix, port=self.port, root=root.resolve(), front=front),
                        encoding="utf-8")
        log = open(self.prefix / "stderr.log", "ab")  # noqa: SIM115 - handed to the child
        self._proc = subprocess.Popen([self.binary, "-p", str(self.prefix), "-e", str(self.prefix / "error.log"),
                                       "-c", str(conf)], stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        log.close()
        try:
            wait_for_port(self.port)
        except RuntimeError:
            self.stop()
            raise RuntimeError("nginx did not start; see " + str(self.prefix / "error.log")) from None


class PythonServer(PageServer):
    kind = "python (threaded http.server)"

    def start(self, root: Path, *, validators: bool) -> None:
        self.stop()
        cmd = [sys.executable, "-m", "benchmarks.pyserver", "--root", str(root), "--port", str(self.port)]
        if not validators:
            cmd.append("--no-validators")
        self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                      cwd=Path(__file__).resolve().parent.parent)
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline().decode()
        if not line.startswith("ready"):
            self.stop()
            raise RuntimeError("the Python page server did not start")
        wait_for_port(self.port)


def make_server(workdir: Path, prefer: str = "auto") -> PageServer:
    """nginx when asked for or installed (``prefer`` auto|nginx|python), else the Python server."""
    binary = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                            if os.access(p, os.X_OK)), None)
    if prefer == "nginx" and binary is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx), or use --server python")
    if prefer != "python" and binary is not None:
        return NginxServer(workdir, binary=binary)
    return PythonServer(workdir)
