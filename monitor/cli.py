"""The command line: a thin click layer over the pipeline. MonitorErrors become one line and an exit code."""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from .config import Config, config_path, load_config
from .errors import ConfigError, MonitorError, UsageError
from .store import Store

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
@click.version_option(package_name="report-monitor", prog_name="monitor")
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
        click.echo(json.dumps({"sources": [r.to_json() for r in outcome.results]}, ensure_ascii=False, indent=2))
    elif progress is not None:
        progress.close(outcome.results)
    if outcome.delivery_note and not as_json:
        click.echo(outcome.delivery_note, err=True)
    sys.exit(EXIT_FAILED if any(r.status == "failed" for r in outcome.results) else EXIT_OK)


@main.command("test")
@click.argument("target")
@pass_context
@handle_errors
def test_source(ctx: Context, target: str) -> None:
    """Fetch ID or URL once and print what the extractor keeps, storing nothing."""
    from . import runner

    if target.startswith(("http://", "https://")):
        source = runner.adhoc_source(target, ctx.config if ctx.config_file.exists() else None)
    else:
        config = ctx.config
        ctx.source_ids((target,))
        source = config.source(target)
        assert source is not None
    document = runner.preview(source, ctx.config if ctx.config_file.exists() else None)
    click.echo(runner.describe_document(source, document))


@main.command()
@click.option("--keep", is_flag=True, help="Keep the temporary storage root and print where it is.")
@handle_errors
def demo(keep: bool) -> None:
    """An offline end-to-end demonstration on bundled sample pages served on 127.0.0.1."""
    from .demo import run_demo

    run_demo(echo=click.echo, keep=keep)


def run() -> None:  # pragma: no cover - console entry point
    main()


if __name__ == "__main__":  # pragma: no cover
    main()
