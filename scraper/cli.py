"""The `newsarchive` command: a thin click layer over the Python API."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from archive.store import ArchiveError
from scraper.config import Config, ConfigError, load_config
from scraper.frontier import FrontierError

# Exit codes: 0 all went well, 1 the work ran but something failed, 2 bad input.
EXIT_FAILED = 1
EXIT_USAGE = 2


def fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def with_config(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--config`` and hand the command a loaded :class:`Config` (exit 2 when broken)."""

    @click.option(
        "--config",
        "config_path",
        default="config.yaml",
        show_default=True,
        type=click.Path(dir_okay=False),
        help="The config file, which also names the archive.",
    )
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
        except FrontierError as exc:
            fail(str(exc), EXIT_FAILED)

    return wrapper


frontier_option = click.option(
    "--frontier",
    metavar="URL",
    help="Crawl through this Redis (redis://HOST:PORT/DB) shared with workers; overrides the config's `frontier`.",
)


@click.group()
@click.version_option(package_name="newsarchive")
def cli() -> None:
    """Scrape news sources into a clean, searchable SQLite archive."""


@cli.command()
@with_config
@click.option("--source", "-s", "names", multiple=True, help="Crawl only this source (repeatable).")
@frontier_option
@click.option("--verbose", "-v", is_flag=True, help="Show Scrapy's log.")
def crawl(config: Config, names: tuple[str, ...], frontier: str | None, verbose: bool) -> None:
    """Crawl all (or the named) sources once and print a summary."""
    from scraper.crawl import run_crawl  # Scrapy and Twisted load only for commands that crawl

    config = config.with_frontier(frontier)
    sources = config.select(names)
    report = run_crawl(config, sources, log_level="INFO" if verbose else "WARNING")
    table = Table(title=f"crawl {report.run} -> {config.archive_path.name}")
    columns = ["pages", "new", "updated", "unchanged", "not_articles", "errors", "robots_blocked"]
    table.add_column("source")
    table.add_column("status")
    for column in columns:
        table.add_column(column.replace("_", " "), justify="right")
    for entry in report.sources:
        table.add_row(entry.source, entry.status, *(str(entry.counts.get(c, 0)) for c in columns))
    Console(width=max(Console().width, 110)).print(table)
    for entry in report.sources:
        if entry.counts.get("error_kinds"):
            kinds = ", ".join(f"{kind} x{n}" for kind, n in sorted(entry.counts["error_kinds"].items()))
            click.echo(f"{entry.source}: errors: {kinds}")
    if not report.ok:
        sys.exit(EXIT_FAILED)


@cli.command()
@with_config
@click.option("--source", "-s", "names", multiple=True, help="Work only on this source (repeatable).")
@frontier_option
@click.option("--verbose", "-v", is_flag=True, help="Show Scrapy's log.")
def worker(config: Config, names: tuple[str, ...], frontier: str | None, verbose: bool) -> None:
    """Fetch and extract pages from the shared Redis frontier until stopped (Ctrl-C)."""
    from scraper.cluster import run_worker

    config = config.with_frontier(frontier)
    run_worker(config, config.select(names), log_level="INFO" if verbose else "WARNING")


@cli.command()
@with_config
@frontier_option
@click.option("--batch", default=100, show_default=True, type=click.IntRange(1, 10_000), help="Pages taken from Redis at a time.")
@click.option("--verbose", "-v", is_flag=True, help="Log progress.")
def writer(config: Config, frontier: str | None, batch: int, verbose: bool) -> None:
    """Write the pages workers extracted into the archive, until stopped (Ctrl-C)."""
    import logging

    from scraper.writer import run_writer

    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    pages = run_writer(config.with_frontier(frontier), batch)
    click.echo(f"writer: {pages} pages written to {config.archive_path}")


@cli.command()
@with_config
def check(config: Config) -> None:
    """Validate the config file and list its sources."""
    click.echo(f"{config.path}: ok, archive {config.archive_path}")
    if config.frontier:
        click.echo(f"  distributed through {config.frontier}")
    for source in config.sources:
        click.echo(f"  {source.name}: {', '.join(source.modes())}")


@cli.command()
def schema() -> None:
    """Print what every table and column of the archive means."""
    from archive.schema import describe_tables

    click.echo(describe_tables())


def main() -> None:
    cli(prog_name="newsarchive")
