"""The floor: what any watcher must at least do for a full pass - GET every page and parse it with lxml.

``python -m benchmarks.floor URLS_FILE --workers N`` fetches every URL of the file (one per line) with one
shared ``requests.Session`` from N threads and parses each body with ``lxml.html``; it prints one JSON line:
pages, bytes and elements parsed. The benchmark runs it as a child process to measure its time, CPU and
peak memory exactly as it measures a ``monitor check`` pass.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import lxml.html
import requests
from requests.adapters import HTTPAdapter


def fetch_and_parse(session: requests.Session, url: str) -> tuple[int, int]:
    response = session.get(url, timeout=30)
    response.raise_for_status()
    root = lxml.html.document_fromstring(response.content)
    return len(response.content), sum(1 for _ in root.iter())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("urls", type=Path)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args(argv)
    urls = args.urls.read_text(encoding="utf-8").split()
    session = requests.Session()
    session.mount("http://", HTTPAdapter(pool_connections=4, pool_maxsize=args.workers))
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        results = list(pool.map(lambda u: fetch_and_parse(session, u), urls))
    print(json.dumps({"pages": len(results), "bytes": sum(r[0] for r in results),
                      "elements": sum(r[1] for r in results)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
