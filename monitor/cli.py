"""The command line: a thin click layer over the pipeline. MonitorErrors become one line and an exit code."""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .config import Config, config_path, load_config
from .errors import ConfigError, MonitorError, UsageError
from .store import Store

if TYPE_CHECKING:
    from rich.console import Console

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class Context:
    """What every command shares: where the configuration is, loaded lazily."""

    def __init__(self, config_file: str | None) -> None:
        self.config_file = config_path(config_file)
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_file)
        return self._config

    def open_store(self) -> Store:
        return Store(self.config.storage)

    def source_ids(self, ids: tuple[str, ...]) -> list[str]:
        """Check that the named sources exist; none named means all."""
        known = [s.id for s in self.config.sources]
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise UsageError(f"unknown source id {', '.join(repr(u) for u in unknown)}; "
                             f"known: {', '.join(known)}")
        return list(ids) or known


def handle_errors(func: F) -> F:
    """Turn the monitor's own errors into one clear line on stderr and the documented exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (ConfigError, UsageError) as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except MonitorError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_FAILED)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_file", metavar="PATH", default=None,
              help="Configuration file (default: $MONITOR_CONFIG, else ./config.yaml).")
@click.option("--log-level", default="warning", show_default=True,
              type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False))
@click.version_option(version=__version__, prog_name="monitor")
@click.pass_context
def main(ctx: click.Context, config_file: str | None, log_level: str) -> None:
    """Watch government report pages and alert when the tier or the findings change."""
    logging.basicConfig(level=log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ctx.obj = Context(config_file)


pass_context = click.make_pass_decorator(Context)


@main.command()
@pass_context
@handle_errors
def validate(ctx: Context) -> None:
    """Check the configuration file and print the resolved sources."""
    config = ctx.config
    click.echo(f"{config.path}: valid; storage {config.storage}")
    for s in config.sources:
        extras = []
        if s.select:
            extras.append(f"select={s.select!r}")
        if s.strip:
            extras.append(f"strip={list(s.strip)!r}")
        if s.ignore:
            extras.append(f"ignore={list(s.ignore)!r}")
        if s.fields:
            extras.append("fields=" + ",".join(f.name for f in s.fields))
        click.echo(f"  {s.id:<16} {s.profile:<10} every {s.schedule:<12} timeout {s.timeout:g}s  {s.url}"
                   + ("  " + " ".join(extras) if extras else ""))
    for channel in config.notify:
        click.echo(f"  notify: {channel.label} on {','.join(channel.on)}")


@main.command()
@click.argument("ids", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the summary lines.")
@pass_context
@handle_errors
def check(ctx: Context, ids: tuple[str, ...], as_json: bool) -> None:
    """One pass over all (or the named) sources: fetch, extract, compare, store, alert."""
    from . import runner

    config = ctx.config
    selected = ctx.source_ids(ids)
    progress = None
    if not as_json:
        from .progress import make_progress

        progress = make_progress(len(selected), sys.stdout.isatty())
    outcome = runner.run_pass(config, selected, progress=progress)
    if as_json:
        echo_json_list("sources", (r.to_json() for r in outcome.results))
    elif progress is not None:
        progress.close(outcome.results)
    if outcome.delivery_note and not as_json:
        click.echo(outcome.delivery_note, err=True)
    sys.exit(EXIT_FAILED if any(r.status == "failed" for r in outcome.results) else EXIT_OK)


_ECHO_CHUNK = 64 * 1024


def echo_json_list(key: str, items: Iterable[Any]) -> None:
    """``{key: [items]}`` exactly as ``json.dumps(..., indent=2)`` prints it, encoded one item at a time.

    The document of 10,000 sources at once (indented JSON is encoded in Python, piece by piece) raised the
    peak memory of a pass by 12 MB; one item at a time, the output costs next to nothing. Written in chunks
    of about 64 KiB, not a write per item.
    """
    chunk = [f"{{\n  {json.dumps(key)}: ["]
    size = 0
    empty = True
    for item in items:
        # json.dumps never writes a blank line, so indenting every line is indenting every line break.
        text = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n    ")
        chunk.append(("\n    " if empty else ",\n    ") + text)
        size += len(text)
        empty = False
        if size >= _ECHO_CHUNK:
            click.echo("".join(chunk), nl=False)
            chunk, size = [], 0
    chunk.append("]\n}" if empty else "\n  ]\n}")
    click.echo("".join(chunk))


@main.command("test")
@click.argument("target")
@pass_context
@handle_errors
def test_source(ctx: Context, target: str) -> None:
    """Fetch ID or URL once and print what the extractor keeps, storing nothing."""
    from . import runner

    if target.startswith(("http://", "https://")):
        config = ctx.config if ctx.config_file.exists() else None
        source = runner.adhoc_source(target, config)
    else:
        config = ctx.config
        ctx.source_ids((target,))  # a UsageError naming the known ids when it is not one of them
        source = next(s for s in config.sources if s.id == target)
    document = runner.preview(source, config)
    click.echo(runner.describe_document(source, document))


@main.command()
@click.option("--keep", is_flag=True, help="Keep the temporary storage root and print where it is.")
@handle_errors
def demo(keep: bool) -> None:
    """An offline end-to-end demonstration on bundled sample pages served on 127.0.0.1."""
    from .demo import run_demo

    run_demo(echo=click.echo, keep=keep)


# --------------------------------------------------------------------------- review: diff, history, report

def _console(color: bool | None) -> Console:
    from rich.console import Console  # imported when needed: `monitor check` starts faster without it

    # --color forces ANSI even into a pipe; --no-color gives the plain [-removed-]{+added+} markers.
    return Console(force_terminal=color, no_color=color is False, highlight=False, soft_wrap=True)


@main.command()
@click.argument("source_id", metavar="ID")
@click.option("--from", "from_spec", metavar="V", help="Old version: id, unique id prefix, or date YYYY-MM-DD.")
@click.option("--to", "to_spec", metavar="V", help="New version (default: the latest).")
@click.option("--format", "fmt", type=click.Choice(["words", "unified"]), default="words", show_default=True,
              help="words: tier on top, findings by section, changed words marked; unified: plain diff -u.")
@click.option("--color/--no-color", default=None, help="Colour the changed words (default: on a terminal).")
@pass_context
@handle_errors
def diff(ctx: Context, source_id: str, from_spec: str | None, to_spec: str | None, fmt: str,
         color: bool | None) -> None:
    """Show what changed between two versions of a source (default: the last change)."""
    from . import review

    use_color = color if color is not None else sys.stdout.isatty()
    with ctx.open_store() as store:
        text = review.diff_for_source(store, ctx.config, source_id, from_spec, to_spec, unified=fmt == "unified",
                                      color=use_color)
    if use_color:
        _console(True).print(text, end="")
    else:
        click.echo(text.plain, nl=False)


@main.command()
@click.argument("source_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the versions as JSON (oldest first).")
@pass_context
@handle_errors
def history(ctx: Context, source_id: str, as_json: bool) -> None:
    """List the stored versions of a source, newest first: time, tier, hash, what changed."""
    from . import render, review

    with ctx.open_store() as store:
        versions = review.source_versions(store, ctx.config, source_id)
    if as_json:
        click.echo(render.history_json(source_id, versions))
    elif not versions:
        click.echo(f"no versions are stored for '{source_id}' yet; run 'monitor check {source_id}'")
    elif sys.stdout.isatty():
        _console(None).print(render.history_table(versions))
    else:
        click.echo(render.history_text(versions), nl=False)


REPORT_DAYS = 30


@main.command()
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("-o", "--output", metavar="FILE", default="report.html", show_default=True,
              help="Where to write the HTML page; '-' for standard output.")
@click.option("--since", metavar="DATE", help=f"Changes from this date on (default: the last {REPORT_DAYS} days).")
@pass_context
@handle_errors
def report(ctx: Context, ids: tuple[str, ...], output: str, since: str | None) -> None:
    """Write one self-contained HTML page of the changes across sources, newest first."""
    from . import render, review
    from .store import atomic_write, utcnow

    now = utcnow()
    start = review.parse_moment(since, end_of_day=False) if since else review.default_since(now, REPORT_DAYS)
    with ctx.open_store() as store:
        for source_id in ids:
            review.source_versions(store, ctx.config, source_id)
        wanted = list(ids) or sorted({s.id for s in ctx.config.sources} | set(store.source_ids()))
        sources = {s.id: s for s in ctx.config.sources}
        entries = review.report_entries(store, wanted, sources, since=start)
    html = render.render_report_html(entries, now, since=start)
    if output == "-":
        click.echo(html, nl=False)
        return
    target = Path(output)
    atomic_write(target, html.encode("utf-8"))
    click.echo(f"wrote {target} ({len(entries)} change{'' if len(entries) == 1 else 's'} "
               f"since {render.format_time(start)})")


# --------------------------------------------------------------------------- the service: run, status

@main.command("run")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: one JSON object per line, for log shippers.")
@click.option("--delivery-interval", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              envvar="MONITOR_DELIVERY_INTERVAL", metavar="SECONDS",
              help="How often the alert outbox is delivered (also right after a check queued an alert).")
@pass_context
@handle_errors
def run_service(ctx: Context, log_format: str, delivery_interval: float) -> None:
    """Check every source on its schedule until SIGINT/SIGTERM; SIGHUP reloads the configuration.

    Logs one line per check to stderr, at level info unless --log-level says otherwise. Exit 0 after
    a signal; 1 when another 'monitor run' already uses the storage root; 2 for a configuration error.
    """
    from . import service

    config = ctx.config   # a configuration error ends it here, before anything is logged or locked
    group = click.get_current_context().find_root()
    explicit = group.get_parameter_source("log_level") != click.core.ParameterSource.DEFAULT
    service.configure_logging(group.params["log_level"] if explicit else "info", log_format)
    service.serve(config, delivery_interval=delivery_interval)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the table.")
@pass_context
@handle_errors
def status(ctx: Context, as_json: bool) -> None:
    """Per source: last check and result, next run, failures, suspects; then pending and failed alerts."""
    from .status import collect_status, render_status

    report = collect_status(ctx.config)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_status(report))


@main.command("notify-test")
@pass_context
@handle_errors
def notify_test(ctx: Context) -> None:
    """Send a test alert through every configured channel and say which succeeded (exit 1 if any failed)."""
    from .notify import send_test
    from .store import utcnow

    config = ctx.config
    if not config.notify:
        click.echo(f"error: {config.path} configures no channels; add a 'notify' list", err=True)
        sys.exit(EXIT_FAILED)
    results = send_test(config, utcnow())
    for result in results:
        click.echo(f"{result.label}: " + ("delivered" if result.ok else f"NOT delivered: {result.detail}"))
    sys.exit(EXIT_OK if all(r.ok for r in results) else EXIT_FAILED)


@main.command("outbox")
@click.option("--retry", is_flag=True,
              help="Make failed deliveries due again; the next 'monitor check' or the service sends them.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the list.")
@pass_context
@handle_errors
def outbox_command(ctx: Context, retry: bool, as_json: bool) -> None:
    """List the alert deliveries still pending or given up (failed), oldest first."""
    from . import outbox
    from .notify import channel_key, clean_line
    from .store import isoformat, utcnow

    config = ctx.config
    configured = {channel_key(c) for c in config.notify}
    with ctx.open_store() as store:
        retried = outbox.retry_failed(store, utcnow()) if retry else 0
        rows = [r for r in outbox.list_deliveries(store) if r.status != "delivered"]
    if as_json:
        items = [{**r.to_json(), "channel_configured": r.channel in configured} for r in rows]
        click.echo(json.dumps({"retried": retried, "deliveries": items}, ensure_ascii=False, indent=2))
        return
    if retry:
        click.echo(f"{retried} failed deliveries are due again (sent by the next 'monitor check' or 'monitor run')")
    if not rows:
        click.echo("nothing pending or failed: every alert was delivered")
    for r in rows:
        when = f"next try {isoformat(r.next_attempt)}" if r.status == "pending" and r.next_attempt else ""
        gone = "" if r.channel in configured else " (channel no longer configured)"
        click.echo(f"{r.status:<8} {isoformat(r.alert.created_at)}  {r.source_id}  {r.alert_id}  "
                   f"-> {r.label}{gone}  attempts {r.attempts}  {when}".rstrip())
        # The summary quotes the page: one line, no terminal control characters.
        click.echo(f"         {clean_line(str(r.alert.payload.get('summary') or ''), 300)}")
        if r.last_error:
            click.echo(f"         last error: {r.last_error}")


def run() -> None:  # pragma: no cover - console entry point
    main()


if __name__ == "__main__":  # pragma: no cover
    main()
