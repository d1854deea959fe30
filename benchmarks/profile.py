"""Profile one ``monitor check`` pass with pyinstrument: where does the CPU go per page?

``python -m benchmarks.profile --config CONFIG --output FILE`` checks every source of the configuration
once, like ``monitor check``, but one after the other in the main thread, because a sampling profiler of
Python frames sees only the thread it runs in. The work per page is the same as in a pass: the runner's
``check_source`` with a real Fetcher and Store. It writes the call tree and a flat table of the functions
with the most time of their own, and prints that table.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path
from typing import Any

from pyinstrument import Profiler

from monitor.config import load_config
from monitor.fetch import Fetcher
from monitor.runner import CheckContext, check_source, fetch_settings
from monitor.store import Store


def self_times(root: Any) -> dict[str, float]:
    """Seconds spent in each function itself (not in its callees), summed over the whole tree."""
    totals: dict[str, float] = defaultdict(float)
    stack = [root]
    while stack:
        frame = stack.pop()
        stack.extend(frame.children)
        if frame.is_synthetic:  # "[self]" and "[await]" leaves: attribute them to the parent function
            if frame.parent is not None and frame.function == "[self]":
                totals[_name(frame.parent)] += frame.time
            continue
        own = frame.time - sum(child.time for child in frame.children)
        if own > 0:
            totals[_name(frame)] += own
    return totals


def _name(frame: Any) -> str:
    return f"{frame.function}  {frame.file_path_short}:{frame.line_no}"


def flat_table(root: Any, top: int = 25) -> str:
    total = root.time or 1.0
    rows = sorted(self_times(root).items(), key=lambda kv: kv[1], reverse=True)[:top]
    lines = [f"{'self s':>7} {'share':>6}  function"]
    lines += [f"{seconds:>7.2f} {100 * seconds / total:>5.1f}%  {name}" for name, seconds in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True, type=Path)
    parser.add_argument("--output", required=True, type=Path)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    config = load_config(args.config)
    profiler = Profiler(interval=0.001)
    store = Store(config.storage)
    try:
        with Fetcher(fetch_settings(config)) as fetcher:
            ctx = CheckContext(config=config, store=store, fetcher=fetcher)
            profiler.start()
            for source in config.sources:
                check_source(source, ctx)
            profiler.stop()
    finally:
        store.close()
    session = profiler.last_session
    assert session is not None
    root = session.root_frame()
    if root is None:
        args.output.write_text("no samples\n", encoding="utf-8")
        return 0
    table = flat_table(root, args.top)
    tree = profiler.output_text(unicode=True, color=False, show_all=False)
    args.output.write_text(f"{len(config.sources)} sources, {root.time:.2f}s sampled\n\n"
                           f"Functions by own time:\n{table}\n\nCall tree:\n{tree}", encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
