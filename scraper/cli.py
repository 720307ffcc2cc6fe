"""The `newsarchive` command: a thin click layer over the Python API."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
from rich.console import Console
from rich.table import Table

from archive.store import ArchiveError
from scraper.config import Config, ConfigError, load_config

# Exit codes: 0 all went well, 1 the work ran but something failed, 2 bad input.
EXIT_FAILED = 1
EXIT_USAGE = 2

# The crawl summary's columns: counts key -> header.
SUMMARY_COLUMNS = {
    "pages": "pages",
    "new": "new",
    "updated": "updated",
    "unchanged": "unchanged",
    "not_articles": "not articles",
    "errors": "errors",
    "skipped_known": "known",
    "skipped_old": "too old",
    "not_modified": "304",
    "retry_after": "retry-after",
    "robots_blocked": "robots blocked",
}


def fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def config_option(help: str) -> Callable[..., Any]:
    return click.option(
        "--config", "config_path", default="config.yaml", show_default=True, type=click.Path(dir_okay=False), help=help
    )


def with_config(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--config`` and hand the command a loaded :class:`Config` (exit 2 when broken)."""

    @config_option("The config file, which also names the archive.")
    @functools.wraps(command)
    def wrapper(config_path: str, **kwargs: Any) -> Any:
        try:
            config = load_config(config_path)
        except ConfigError as exc:
            fail(str(exc))
        try:
            return command(config, **kwargs)
        except (ConfigError, ArchiveError) as exc:
            fail(str(exc))

    return wrapper


@click.group()
@click.version_option(package_name="newsarchive")
def cli() -> None:
    """Scrape news sources into a clean, searchable SQLite archive."""


@cli.command()
@with_config
@click.option("--source", "-s", "names", multiple=True, help="Crawl only this source (repeatable).")
@click.option("--verbose", "-v", is_flag=True, help="Show Scrapy's log.")
@click.option("--wait", type=click.FloatRange(min=0), default=0, show_default=True,
              help="Seconds to wait for a source that another process is crawling, then give up.")  # fmt: skip
@click.option("--progress-every", type=click.FloatRange(min=0.1), default=10, show_default=True,
              help="Seconds between progress lines when not on a terminal.")  # fmt: skip
@click.option("--run", "run_id", hidden=True, help="Run id to record (the scheduler names its runs).")
def crawl(
    config: Config, names: tuple[str, ...], verbose: bool, wait: float, progress_every: float, run_id: str | None
) -> None:
    """Crawl all (or the named) sources once and print a summary."""
    from scraper.crawl import run_crawl  # Scrapy and Twisted load only for commands that crawl
    from scraper.locking import LockBusy

    sources = config.select(names)
    try:
        report = run_crawl(
            config,
            sources,
            log_level="INFO" if verbose else "WARNING",
            run=run_id,
            wait=wait,
            progress_every=progress_every,
        )
    except LockBusy as exc:
        fail(f"{exc}; try again later, or pass --wait SECONDS", EXIT_FAILED)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM while waiting for a lock, before anything was written
        fail("interrupted", EXIT_FAILED)
    table = Table(title=f"crawl {report.run} -> {config.archive_path.name}")
    table.add_column("source")
    table.add_column("status")
    for label in SUMMARY_COLUMNS.values():
        table.add_column(label, justify="right")
    for entry in report.sources:
        table.add_row(entry.source, entry.status, *(str(entry.counts.get(c, 0)) for c in SUMMARY_COLUMNS))
    Console(width=max(Console().width, 140)).print(table)
    for entry in report.sources:
        if entry.counts.get("error_kinds"):
            kinds = ", ".join(f"{kind} x{n}" for kind, n in sorted(entry.counts["error_kinds"].items()))
            click.echo(f"{entry.source}: errors: {kinds}")
        if entry.counts.get("robots_blocked_urls"):
            shown = entry.counts["robots_blocked_urls"]
            more = entry.counts.get("robots_blocked", 0) - len(shown)
            click.echo(f"{entry.source}: robots.txt forbade: {', '.join(shown)}" + (f" and {more} more" if more > 0 else ""))
    if not report.ok:
        sys.exit(EXIT_FAILED)


@cli.command()
@with_config
def check(config: Config) -> None:
    """Validate the config file and list its sources."""
    click.echo(f"{config.path}: ok, archive {config.archive_path}")
    for source in config.sources:
        click.echo(f"  {source.name}: {', '.join(source.modes())}")


@cli.command()
@with_config
def schedule(config: Config) -> None:
    """Crawl every source on its timetable until stopped; SIGHUP reloads the config."""
    from scraper.locking import LockBusy
    from scraper.scheduler import Scheduler

    try:
        sys.exit(Scheduler(config).run())
    except LockBusy as exc:
        fail(f"{exc}; stop it first (one scheduler per archive)", EXIT_FAILED)


@cli.command()
@with_config
@click.option("--source", "-s", help="Only this source's crawls.")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=20, show_default=True, help="How many crawls.")
def runs(config: Config, source: str | None, limit: int) -> None:
    """List the latest crawls, newest first, and flag unhealthy sources."""
    from datetime import timedelta

    from archive.health import run_history, source_health
    from archive.store import Archive
    from scraper.config import format_duration

    names = [source] if source else [s.name for s in config.sources]
    with Archive(config.archive_path, readonly=True) as archive:
        history = run_history(archive.db, source, limit)
        silent_after = timedelta(seconds=config.schedule.seconds("silent_after"))
        health = source_health(archive.db, names, silent_after=silent_after)
    table = Table(title=f"crawls in {config.archive_path.name}, newest first")
    for column in ("id", "source", "started", "status", "pages", "new", "updated", "unchanged", "errors", "backoff"):
        table.add_column(column, justify="right" if column not in ("source", "started", "status") else "left")
    for row in history:
        kinds = json.loads(row["error_kinds"] or "{}")
        errors = f"{row['errors']} " + ", ".join(f"{kind} x{n}" for kind, n in sorted(kinds.items()))
        backoff = format_duration(row["backoff"]) if row.get("backoff") else ""
        started = row["started"].replace("T", " ").removesuffix("+00:00")
        cells = [row["id"], row["source"], started, row["status"], row["pages"], row["new"], row["updated"]]
        table.add_row(*map(str, cells), str(row["unchanged"]), errors.strip(), backoff)
    Console(width=max(Console().width, 140)).print(table if history else "no crawls yet")
    unhealthy = [entry for entry in health.values() if not entry.healthy]
    for entry in unhealthy:
        for kind, message in entry.flags.items():
            click.echo(f"{entry.source}: {kind}: {message}")
    if not unhealthy:
        click.echo("all sources healthy")


@cli.command()
def schema() -> None:
    """Print what every table and column of the archive means."""
    from archive.schema import describe_tables

    click.echo(describe_tables())


@cli.command()
@click.argument("url")
@config_option("Take the crawl settings (User-Agent, robots, delay) from this file, if it exists.")
@click.option("--verbose", "-v", is_flag=True, help="Show Scrapy's log.")
def discover(url: str, config_path: str, verbose: bool) -> None:
    """Find a site's feeds and sitemaps from its home page URL and print a config.yaml source entry."""
    from scraper.discover import discover_site, format_discovery  # loads Scrapy

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        fail(f"{url!r} is not an http(s) URL of a home page, such as https://example.com/")
    config = None
    if Path(config_path).exists():
        try:
            config = load_config(config_path)
        except ConfigError as exc:
            fail(str(exc))
    result = discover_site(url, config, log_level="INFO" if verbose else "WARNING")
    if result.home_error:
        click.echo(f"{url}: home page failed: {result.home_error}", err=True)
    if not result.found:
        fail(f"{url}: found no feed and no sitemap", EXIT_FAILED)
    click.echo(format_discovery(result))


def main() -> None:
    cli(prog_name="newsarchive")
