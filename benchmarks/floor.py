"""The floor: what any watcher must at least do for a full pass - GET every page and parse it with lxml.

``python -m benchmarks.floor URLS_FILE --workers N`` fetches every URL of the file (one per line) with one
shared ``requests.Session`` from N threads and parses each body with ``lxml.html``; it prints one JSON line:
pages, bytes and elements parsed. The benchmark runs it as a child process to measure its time, CPU and
peak memory exactly as it measures a ``monitor check`` pass.

``--conditional`` reads lines of ``URL<tab>ETag`` instead and sends each URL a plain conditional GET
(``If-None-Match``) the same way, parsing nothing: the least a pass over unchanged pages can cost with
``requests``, against which pass (c) is shown. Any answer but 304 is an error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter


def fetch_and_parse(session: requests.Session, url: str) -> tuple[int, int]:
    import lxml.html  # imported by main() before the threads start (not by the conditional floor)

    response = session.get(url, timeout=30)
    response.raise_for_status()
    root = lxml.html.document_fromstring(response.content)
    return len(response.content), sum(1 for _ in root.iter())


def fetch_not_modified(session: requests.Session, line: str) -> tuple[int, int]:
    url, etag = line.split("\t")
    response = session.get(url, headers={"If-None-Match": etag}, timeout=30)
    if response.status_code != 304:
        raise RuntimeError(f"{url} answered {response.status_code} to If-None-Match {etag}, not 304")
    return len(response.content), 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("urls", type=Path)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--conditional", action="store_true",
                        help="the file holds URL<tab>ETag lines: conditional GETs, nothing parsed")
    args = parser.parse_args(argv)
    text = args.urls.read_text(encoding="utf-8")
    session = requests.Session()
    session.mount("http://", HTTPAdapter(pool_connections=4, pool_maxsize=args.workers))
    work: Callable[[requests.Session, str], tuple[int, int]]
    if args.conditional:
        work, items = fetch_not_modified, text.splitlines()
    else:
        import lxml.html  # noqa: F401 - loaded before the threads, as the floor always did
        work, items = fetch_and_parse, text.split()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        results = list(pool.map(lambda item: work(session, item), items))
    print(json.dumps({"pages": len(results), "bytes": sum(r[0] for r in results),
                      "elements": sum(r[1] for r in results)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
