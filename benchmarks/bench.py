"""Benchmark ``monitor check`` against the floor (a plain GET plus an lxml parse of every page).

Run from the repository root::

    .venv/bin/python -m benchmarks.bench                      # N = 100 and 1,000, each pass 3 times (~6 minutes)
    .venv/bin/python -m benchmarks.bench --pages 100,1000,10000 --repeat 3
    .venv/bin/python -m benchmarks.bench --pages 1000 --profile   # also profile passes (b) and (d)

For every N it generates N synthetic report pages (benchmarks/pages.py), serves them on 127.0.0.1 (nginx
when installed, else a threaded Python server) and measures, each in a fresh child process:

    (a) floor      requests GET + lxml.html parse of every page, ``workers`` threads
    (b) first      ``monitor check``: baselines of every page
    (c) 304        ``monitor check`` again, nothing changed, validators on (the server answers 304)
    (a304)         beside (c), for reference: a plain ``requests`` conditional GET of every page with the ETag
                   pass (b) stored (every answer a 304), nothing parsed: the least a pass over unchanged pages
                   costs with requests
    (d) no-valid.  ``monitor check`` again, the chrome of every page changed, no validators (full bodies)
    (e) 10%        ``monitor check`` with 10% of the reports changed (findings; one in twenty also the tier)

The monitor package is byte-compiled first, as an installation would be. Time is wall-clock from spawning
the child to its exit (interpreter start-up included, for the floor too); CPU is the child's user + system
time, with the processes it starts; memory is the peak resident set of the child and its processes, added
up (benchmarks/measure.py, which spawns the child so that none of this process's memory is counted). The
monitor runs with ``fetch.workers`` = ``fetch.per_host`` = the floor's thread count, because every page is
on one host (127.0.0.1) and the default of one request per host would measure politeness, not cost.

With ``--repeat K`` every measurement runs K times (each pass on a fresh copy of the storage root it starts
from) and the fastest counts; without it, 3 times up to 1,000 pages and once above. The floor runs right
before every run of a pass as well; a pass's ratio to the floor (the goals' measure) is the median of these
side-by-side ratios, which the machine's drift cancels in.
The table goes to standard output, the full numbers to ``benchmarks/results/bench-<time>.json`` (and
``latest.json``), profiles to ``benchmarks/results/profile-*``.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import pages
from .server import PageServer, make_server

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
DEFAULT_PAGES = (100, 1000)
DEFAULT_WORKERS = 8
# Without --repeat, every pass runs this many times at up to DEFAULT_REPEAT_UP_TO pages: the goals are judged
# on the median of a pass's runs beside the floor, and a single run can fall in one of this VM's slow spells
# (a run is fast or ~1.5x slower throughout). Above, once: a pass over 10,000 pages takes minutes.
DEFAULT_REPEAT = 3
DEFAULT_REPEAT_UP_TO = 1000

GOAL_FULL_PASS_RATIO = 1.5     # (b)/(a) and (d)/(a), time
GOAL_304_SPEEDUP = 5.0         # (b)/(c), time
GOAL_PEAK_MB = 80.0            # every monitor pass at N = 1,000
GOAL_MEMORY_GROWTH = 1.5       # peak at N = 10,000 over peak at N = 1,000

# ext4 without a journal (the development VM's root file system) skips inodes freed in the last minute when
# it creates a file, looking each one up: right after a run deleted its ~50,000 files, pass (b) took up to
# twice as long, all of it in the kernel. A run therefore starts at least this long after the last one's
# clean-up (recorded here, after a sync, so that the freed inodes are not "dirty", which means six minutes).
SETTLE_SECONDS = 65
CLEANED_STAMP = RESULTS / ".cleaned-at"


@dataclass
class Measurement:
    """One child process: what it did and what it cost."""

    key: str
    label: str
    pages: int
    wall: float
    cpu: float
    peak_rss_mb: float
    exit_code: int
    statuses: dict[str, int] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.wall if self.wall else 0.0

    @property
    def cpu_ms_per_page(self) -> float:
        return 1000 * self.cpu / self.pages if self.pages else 0.0


def measure(cmd: list[str], *, stdout: Path, stderr: Path) -> tuple[float, float, float, int]:
    """Run ``cmd`` to completion; (wall s, CPU s, peak RSS MB, exit code) of that child alone.

    The child is spawned by the small benchmarks.measure process, not by this one: Linux would count this
    process's memory (thousands of generated pages) in the peak of any child it forks.
    """
    done = subprocess.run([sys.executable, "-m", "benchmarks.measure", str(stdout), str(stderr), "--", *cmd],
                          cwd=REPO, capture_output=True, text=True, check=True)
    info = json.loads(done.stdout)
    return info["wall"], info["cpu"], info["peak_rss_mb"], info["exit_code"]


# --------------------------------------------------------------------------- one N


@dataclass
class Scenario:
    """The files of one benchmark size: pages, configurations, storage roots."""

    n: int
    workdir: Path
    server: PageServer
    workers: int

    def page_dir(self, variant: str) -> Path:
        return self.workdir / "pages" / variant

    def write_config(self, storage: Path, name: str) -> Path:
        w = self.workers
        lines = [f"storage: {storage}", f"fetch: {{workers: {w}, per_host: {w}}}", "defaults: {timeout: 30}",
                 "sources:"]
        lines += [f"  - {{id: {pages.page_name(i)}, url: '{self.server.url(pages.page_name(i))}'}}"
                  for i in range(self.n)]
        path = self.workdir / f"config-{name}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def etags_file(self, storage: Path) -> Path:
        """``URL<tab>ETag`` of every source with an ETag stored in ``storage``, for the conditional floor."""
        db = sqlite3.connect(storage / "state.db")
        try:
            rows = db.execute("SELECT source_id, etag FROM source_state WHERE etag IS NOT NULL "
                              "ORDER BY source_id").fetchall()
        finally:
            db.close()
        path = self.workdir / "etags.tsv"
        path.write_text("".join(f"{self.server.url(source_id)}\t{etag}\n" for source_id, etag in rows),
                        encoding="utf-8")
        return path

    def urls_file(self) -> Path:
        path = self.workdir / "urls.txt"
        path.write_text("\n".join(self.server.url(pages.page_name(i)) for i in range(self.n)) + "\n",
                        encoding="utf-8")
        return path


def version_bytes(storage: Path) -> tuple[int, int]:
    """(bytes of version files, number of version rows) in a storage root."""
    total = 0
    for folder in storage.iterdir() if storage.is_dir() else ():
        if folder.is_dir():
            total += sum(p.stat().st_size for p in folder.iterdir() if not p.name.startswith("."))
    rows = 0
    if (storage / "state.db").exists():
        db = sqlite3.connect(storage / "state.db")
        try:
            rows = db.execute("SELECT count(*) FROM versions").fetchone()[0]
        finally:
            db.close()   # now, not when collected: closing may remove the -wal and -shm files
    return total, rows


def run_floor(s: Scenario) -> Measurement:
    """One floor run: a plain GET and an lxml parse of every page, in a child process."""
    out, err = s.workdir / "floor.out", s.workdir / "floor.err"
    wall, cpu, rss, code = measure([sys.executable, "-m", "benchmarks.floor", str(s.urls_file()),
                                    "--workers", str(s.workers)], stdout=out, stderr=err)
    if code != 0:
        raise RuntimeError(f"the floor failed ({code}): {err.read_text()[-2000:]}")
    info = json.loads(out.read_text())
    return Measurement("a", "floor: GET + lxml parse", s.n, wall, cpu, rss, code,
                       notes={"bytes": info["bytes"], "elements": info["elements"]})


def run_conditional_floor(s: Scenario, etags: Path) -> Measurement:
    """One run of the conditional floor: a plain conditional GET of every page, each answered 304."""
    out, err = s.workdir / "floor304.out", s.workdir / "floor304.err"
    wall, cpu, rss, code = measure([sys.executable, "-m", "benchmarks.floor", str(etags), "--conditional",
                                    "--workers", str(s.workers)], stdout=out, stderr=err)
    if code != 0:
        raise RuntimeError(f"the conditional floor failed ({code}): {err.read_text()[-2000:]}")
    pages_done = json.loads(out.read_text())["pages"]
    return Measurement("a304", "conditional GETs only (304)", pages_done, wall, cpu, rss, code,
                       {"not_modified": pages_done})


def run_check(s: Scenario, key: str, label: str, config: Path, revision_of: frozenset[int] = frozenset()
              ) -> Measurement:
    """One ``monitor check --json`` pass in a child process; statuses and tiers read from its output."""
    out, err = s.workdir / f"check-{key}.out", s.workdir / f"check-{key}.err"
    cmd = [sys.executable, "-m", "monitor", "--config", str(config), "check", "--json"]
    wall, cpu, rss, code = measure(cmd, stdout=out, stderr=err)
    try:
        results = json.loads(out.read_text())["sources"]
    except (ValueError, KeyError):
        raise RuntimeError(f"pass {key} printed no JSON (exit {code}): {err.read_text()[-2000:]}") from None
    statuses = Counter(r["status"] for r in results)
    wrong_tier = [r["id"] for r in results
                  if r["status"] in ("new", "changed", "unchanged")
                  and r["tier"] != pages.report_for(int(r["id"][1:]), int(int(r["id"][1:]) in revision_of)).tier]
    kinds = Counter(",".join(r["change"]["kinds"]) for r in results if r.get("change"))
    notes: dict[str, Any] = {"wrong_tier": len(wrong_tier), "wrong_tier_examples": wrong_tier[:5],
                             "change_kinds": dict(kinds)}
    errors = [r["error"] for r in results if r.get("error")]
    if errors:
        notes["errors"] = dict(Counter(errors).most_common(5))
    return Measurement(key, label, s.n, wall, cpu, rss, code, dict(statuses), notes)


@dataclass
class PassRunner:
    """Runs the monitor's passes one after the other, each on the storage root the previous one left.

    With ``repeat`` > 1 a pass runs that many times, each time on a fresh copy of the storage root it
    starts from (never on a root emptied just before: mass deletions slow the next file creations down
    on ext4), and the fastest run counts: the noise of a shared machine only ever adds time.

    The floor runs right before every run of a pass, and the pass's ratio to the floor is the median of
    these side-by-side ratios: this machine's speed drifts by a fifth within minutes, so a floor measured
    minutes earlier (the fastest of all, in ``time_ratio``) can flatter or wrong a pass.
    """

    s: Scenario
    repeat: int
    profile: bool
    log: Any
    current: Path | None = None
    measurements: list[Measurement] = field(default_factory=list)
    floors: list[Measurement] = field(default_factory=list)
    references: list[Measurement] = field(default_factory=list)   # the conditional floor, beside (c)
    side_by_side: dict[str, list[float]] = field(default_factory=dict)
    growth: dict[str, dict[str, int]] = field(default_factory=dict)
    profiles: dict[str, str] = field(default_factory=dict)

    def floor(self) -> Measurement:
        """The fastest floor run so far."""
        return min(self.floors, key=lambda m: m.wall)

    def run(self, key: str, label: str, revision_of: frozenset[int] = frozenset()) -> Measurement:
        start = self.current
        before = version_bytes(start) if start is not None else (0, 0)
        best: Measurement | None = None
        ratios = self.side_by_side.setdefault(key, [])
        for rep in range(self.repeat):
            storage = self.s.workdir / f"store-{key}-{rep}"
            if start is not None:
                shutil.copytree(start, storage)
            floor = run_floor(self.s)
            self.floors.append(floor)
            m = run_check(self.s, key, label, self.s.write_config(storage, f"{key}-{rep}"), revision_of)
            ratios.append(m.wall / floor.wall)
            if key == "c" and start is not None:
                reference = run_conditional_floor(self.s, self.s.etags_file(start))
                self.references.append(reference)
                self.side_by_side.setdefault("a304", []).append(reference.wall / floor.wall)
                self.side_by_side.setdefault("c/a304", []).append(m.wall / reference.wall)
            after = version_bytes(storage)
            self.growth[key] = {"version_bytes_growth": after[0] - before[0],
                                "version_rows_growth": after[1] - before[1]}
            best = m if best is None or m.wall < best.wall else best
            self.current = storage
        assert best is not None
        self.measurements.append(best)
        self.log(f"  ({key}) {label}: {best.wall:.2f}s {best.statuses}; ÷ the floor beside it: "
                 f"{', '.join(f'{r:.2f}' for r in ratios)}")
        if self.profile and key in ("b", "d"):
            self.profiles[key] = str(profile_pass(self.s, key, start))
        return best


def profile_pass(s: Scenario, key: str, start: Path | None) -> Path:
    """Pass ``key`` once more, from the same storage root, under a profiler (not timed).

    py-spy (when installed) samples the real pass, whichever thread holds the GIL; otherwise
    benchmarks/profile.py runs the sources one after the other under pyinstrument, which sees only the
    thread it runs in.
    """
    storage = s.workdir / f"store-{key}-profile"
    if start is not None:
        shutil.copytree(start, storage)
    config = s.write_config(storage, f"{key}-profile")
    pyspy = shutil.which("py-spy") or next((str(p) for p in [Path(sys.executable).parent / "py-spy"] if p.exists()),
                                           None)
    if pyspy:
        raw = s.workdir / f"profile-{key}.raw"
        subprocess.run([pyspy, "record", "--gil", "--rate", "250", "--format", "raw", "--output", str(raw), "--",
                        sys.executable, "-m", "monitor", "--config", str(config), "check", "--json"],
                       cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        target = RESULTS / f"profile-{s.n}-{key}.txt"
        target.write_text(summarize_stacks(raw.read_text(encoding="utf-8")), encoding="utf-8")
        return target
    target = RESULTS / f"profile-{s.n}-{key}.txt"
    subprocess.run([sys.executable, "-m", "benchmarks.profile", "--config", str(config), "--output", str(target)],
                   cwd=REPO, stdout=subprocess.DEVNULL, check=True)
    return target


def summarize_stacks(raw: str, top: int = 40) -> str:
    """py-spy's collapsed stacks as two tables: functions by own samples and by samples under them."""
    own: Counter[str] = Counter()
    under: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        # "extract (monitor/extract.py:1002)" -> "extract (monitor/extract.py)": a function, not a line
        frames = [re.sub(r":\d+\)$", ")", f.strip()) for f in stack.split(";") if f.strip()]
        if not frames:
            continue
        total += int(count)
        own[frames[-1]] += int(count)
        for frame in set(frames):
            under[frame] += int(count)
    if not total:
        return "no samples\n"

    def table(counter: Counter[str]) -> list[str]:
        return [f"{100 * n / total:6.1f}%  {name}" for name, n in counter.most_common(top)]

    return "\n".join([f"py-spy --gil: {total} samples of whichever thread of the pass held the GIL, i.e. "
                      "where the Python CPU time goes (waiting on the network, the disk or a lock is not counted)",
                      "", "Own time:", *table(own), "", "Including callees:", *table(under)]) + "\n"


def bench_size(n: int, base: Path, server_kind: str, workers: int, repeat: int, profile: bool,
               log: Any) -> dict[str, Any]:
    workdir = base / f"n{n}"
    workdir.mkdir(parents=True)
    os.chmod(workdir, 0o755)  # nginx workers run as an unprivileged user and must read the pages
    server = make_server(workdir, server_kind)
    s = Scenario(n, workdir, server, workers)
    every = range(n)
    changed = pages.changed_indices(n)
    v1, chrome, revised = s.page_dir("v1"), s.page_dir("chrome"), s.page_dir("changed")
    for folder in (workdir / "pages", v1, chrome, revised):
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o755)
    t = time.perf_counter()
    size = pages.write_pages(v1, every, chrome_seed=1)
    pages.write_pages(chrome, every, chrome_seed=2)
    pages.write_pages(revised, every, chrome_seed=3, revised=changed)
    log(f"N={n}: generated 3 x {n} pages, {size / n / 1024:.0f} KB on average, in {time.perf_counter() - t:.1f}s; "
        f"serving with {server.kind} on port {server.port}")
    passes = PassRunner(s, repeat, profile, log)
    try:
        server.start(v1, validators=True)
        passes.run("b", "first check (baselines)")
        passes.run("c", "unchanged, validators (304)")
        server.start(chrome, validators=False)
        passes.run("d", "unchanged, chrome changed, no validators")
        server.start(revised, validators=True)
        passes.run("e", "10% of reports changed", revision_of=changed)
        assert passes.current is not None
        final = version_bytes(passes.current)
    finally:
        server.stop()
    floor = passes.floor()
    log(f"  (a) floor: {floor.wall:.2f}s, fastest of {len(passes.floors)} runs "
        f"({min(m.wall for m in passes.floors):.2f}-{max(m.wall for m in passes.floors):.2f}s)")
    rows = []
    references = [min(passes.references, key=lambda m: m.wall)] if passes.references else []
    for m in [floor, *references, *passes.measurements]:
        row = asdict(m)
        beside = passes.side_by_side.get(m.key, [1.0])
        row.update(pages_per_s=m.pages_per_s, cpu_ms_per_page=m.cpu_ms_per_page,
                   time_ratio=m.wall / floor.wall, time_ratio_beside=statistics.median(beside),
                   time_ratios_beside=beside, cpu_ratio=m.cpu / floor.cpu,
                   memory_ratio=m.peak_rss_mb / floor.peak_rss_mb)
        rows.append(row)
    storage = {**passes.growth, "final": {"version_bytes": final[0], "version_rows": final[1]}}
    return {"n": n, "server": server.kind, "workers": workers, "repeat": repeat, "average_page_kb": size / n / 1024,
            "changed_pages": len(changed), "passes": rows, "storage": storage, "profiles": passes.profiles,
            "c_over_conditional_floor": passes.side_by_side.get("c/a304", [])}


# --------------------------------------------------------------------------- report


def format_table(run: dict[str, Any]) -> str:
    head = (f"{'pass':<47} {'pages/s':>8} {'wall s':>7} {'CPU ms/page':>11} {'peak MB':>8} "
            f"{'time/(a)':>8} {'beside':>7} {'CPU/(a)':>8} {'mem/(a)':>8}  statuses")
    lines = [f"N = {run['n']}  ({run['average_page_kb']:.0f} KB/page average, served by {run['server']}, "
             f"{run['workers']} workers, fastest of {run['repeat']} runs per pass)", head, "-" * len(head)]
    for p in run["passes"]:
        statuses = " ".join(f"{k}={v}" for k, v in sorted(p["statuses"].items()))
        lines.append(f"{'(' + p['key'] + ')':<6} {p['label']:<40} {p['pages_per_s']:>8.1f} {p['wall']:>7.2f} "
                     f"{p['cpu_ms_per_page']:>11.2f} {p['peak_rss_mb']:>8.1f} {p['time_ratio']:>8.2f} "
                     f"{p['time_ratio_beside']:>7.2f} {p['cpu_ratio']:>8.2f} {p['memory_ratio']:>8.2f}  {statuses}")
    lines.append("time/(a): the pass's fastest run over the fastest floor run; beside: the median, over the pass's "
                 "runs, of its time over the floor's run just before it")
    if run.get("c_over_conditional_floor"):
        lines.append("(a304): plain requests conditional GETs of every page, run right after each run of (c); (c) "
                     "over it, run by run: " + ", ".join(f"{r:.2f}" for r in run["c_over_conditional_floor"]))
    growth = run["storage"]
    lines.append(f"storage growth of versions after the unchanged passes: (c) {growth['c']['version_bytes_growth']} "
                 f"bytes, (d) {growth['d']['version_bytes_growth']} bytes")
    for p in run["passes"]:
        if p["notes"].get("wrong_tier"):
            lines.append(f"warning: pass ({p['key']}) read a wrong tier on {p['notes']['wrong_tier']} pages, e.g. "
                         f"{', '.join(p['notes']['wrong_tier_examples'])}")
        if p["notes"].get("errors"):
            lines.append(f"warning: pass ({p['key']}) errors: {p['notes']['errors']}")
    return "\n".join(lines)


def evaluate_goals(runs: list[dict[str, Any]]) -> list[tuple[str, bool, str]]:
    """The issue's goals, at N = 1,000 (and 10,000 for memory growth), where those sizes were run."""
    by_n = {r["n"]: {p["key"]: p for p in r["passes"]} for r in runs}
    goals: list[tuple[str, bool, str]] = []
    for r in runs:
        p = by_n[r["n"]]
        for key in ("c", "d"):
            growth = r["storage"][key]["version_bytes_growth"]
            goals.append((f"N={r['n']}: ({key}) stores 0 bytes of versions", growth == 0, f"{growth} bytes"))
    if 1000 in by_n:
        p = by_n[1000]
        for key in ("b", "d"):
            ratio = p[key]["time_ratio_beside"]
            goals.append((f"N=1000: ({key})/(a) <= {GOAL_FULL_PASS_RATIO}", ratio <= GOAL_FULL_PASS_RATIO,
                          f"{ratio:.2f} beside the floor (fastest over fastest: {p[key]['time_ratio']:.2f})"))
        # Each pass against the floor run beside it, so that the machine's drift between (b) and (c) cancels.
        speedup = p["b"]["time_ratio_beside"] / p["c"]["time_ratio_beside"]
        goals.append((f"N=1000: (c) >= {GOAL_304_SPEEDUP:g}x faster than (b)", speedup >= GOAL_304_SPEEDUP,
                      f"{speedup:.1f}x (fastest over fastest: {p['b']['wall'] / p['c']['wall']:.1f}x)"))
        peak = max(p[k]["peak_rss_mb"] for k in "bcde")
        goals.append((f"N=1000: peak memory <= {GOAL_PEAK_MB:g} MB", peak <= GOAL_PEAK_MB, f"{peak:.1f} MB"))
        if 10000 in by_n:
            big = max(by_n[10000][k]["peak_rss_mb"] for k in "bcde")
            goals.append((f"N=10000: peak <= {GOAL_MEMORY_GROWTH}x peak at N=1000", big <= GOAL_MEMORY_GROWTH * peak,
                          f"{big:.1f} MB ({big / peak:.2f}x)"))
    return goals


def byte_compile_monitor(log: Any) -> None:
    """Write the monitor's bytecode caches first, as ``pip install`` does: otherwise, in an editable
    checkout under ``PYTHONDONTWRITEBYTECODE``, every pass would pay for compiling the package's source."""
    spec = importlib.util.find_spec("monitor")
    assert spec is not None and spec.origin is not None, "the monitor package is not installed"
    folder = Path(spec.origin).parent
    if not compileall.compile_dir(str(folder), quiet=1):
        log(f"warning: could not byte-compile {folder}; start-up includes compiling it")


def wait_for_earlier_clean_up(log: Any) -> None:
    try:
        cleaned = float(CLEANED_STAMP.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    wait = cleaned + SETTLE_SECONDS - time.time()
    if wait > 0:
        log(f"waiting {wait:.0f}s: the file system is still skipping the inodes the last run freed")
        time.sleep(wait)


def clean_up(base: Path) -> None:
    shutil.rmtree(base, ignore_errors=True)
    os.sync()
    CLEANED_STAMP.write_text(f"{time.time():.0f}\n", encoding="utf-8")


def repeat_for(n: int, asked: int | None) -> int:
    """How many times every pass runs at ``n`` pages: as asked, else DEFAULT_REPEAT up to DEFAULT_REPEAT_UP_TO."""
    if asked is not None:
        return max(1, asked)
    return DEFAULT_REPEAT if n <= DEFAULT_REPEAT_UP_TO else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", default=",".join(map(str, DEFAULT_PAGES)),
                        help="comma-separated page counts (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS,
                        help="threads for the floor, fetch.workers and fetch.per_host (default: %(default)s)")
    parser.add_argument("--server", choices=("auto", "nginx", "python"), default="auto",
                        help="page server (default: nginx when installed)")
    parser.add_argument("--repeat", type=int, default=None,
                        help=f"run every pass this many times and keep the fastest (default: {DEFAULT_REPEAT} "
                             f"up to {DEFAULT_REPEAT_UP_TO} pages, 1 above)")
    parser.add_argument("--profile", action="store_true",
                        help="also profile passes (b) and (d) (py-spy if installed, else pyinstrument; not timed)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (pages, storage, logs)")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.pages.split(",") if x.strip()]
    RESULTS.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    byte_compile_monitor(log)
    wait_for_earlier_clean_up(log)
    base = Path(tempfile.mkdtemp(prefix="monitor-bench-"))
    os.chmod(base, 0o755)
    runs = []
    try:
        for n in sizes:
            runs.append(bench_size(n, base, args.server, args.workers, repeat_for(n, args.repeat), args.profile,
                                   log))
    finally:
        if args.keep:
            log(f"kept {base}")
        else:
            clean_up(base)
    print()
    for run in runs:
        print(format_table(run))
        print()
    goals = evaluate_goals(runs)
    for name, ok, value in goals:
        print(f"[{'ok' if ok else 'MISSED'}] {name}: {value}")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    result = {
        "created_at": stamp, "python": platform.python_version(), "machine": platform.machine(),
        "cpus": os.cpu_count(), "command": " ".join([Path(sys.executable).name, "-m", "benchmarks.bench",
                                                      *(argv if argv is not None else sys.argv[1:])]),
        "runs": runs, "goals": [{"goal": g, "met": ok, "value": v} for g, ok, v in goals],
    }
    target = RESULTS / f"bench-{stamp}.json"
    target.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {target.relative_to(REPO)}")
    for run in runs:
        for key, path in run["profiles"].items():
            print(f"profile of pass ({key}) at N={run['n']}: {Path(path).relative_to(REPO)}")
    return 0 if all(ok for _, ok, _ in goals) else 1


if __name__ == "__main__":
    sys.exit(main())
