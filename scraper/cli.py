"""The `newsarchive` command: a thin click layer over the Python API."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click
from rich.console import Console
from rich.text import Text

from archive.queries import HIGHLIGHT, QueryError, Selection, plain_snippet
from archive.store import Archive, ArchiveError
from scraper import tables
from scraper.config import Config, ConfigError, FrontierError, load_config, redacted
from scraper.extract.text import without_surrogates

if TYPE_CHECKING:
    from scraper.crawl.run import CrawlReport

# Exit codes: 0 all went well, 1 the work ran but something failed, 2 bad input.
EXIT_FAILED = 1
EXIT_USAGE = 2

# The crawl summary's columns: counts key -> header, and when to drop it at narrow widths
# (the highest first; 0: always shown).
SUMMARY_COLUMNS = {
    "pages": ("pages", 0),
    "new": ("new", 0),
    "updated": ("updated", 3),
    "unchanged": ("unchanged", 4),
    "not_articles": ("not articles", 6),
    "errors": ("errors", 0),
    "skipped_known": ("known", 9),
    "skipped_old": ("too old", 5),
    "not_modified": ("304", 8),
    "retry_after": ("retry-after", 10),
    "robots_blocked": ("robots blocked", 7),
}
SUMMARY_TABLE = [
    tables.Column("source"),
    tables.Column("status"),
    *(tables.Column(header, numeric=True, drop=drop) for header, drop in SUMMARY_COLUMNS.values()),
]
RUNS_TABLE = [
    tables.Column("run", whole=True),
    tables.Column("source"),
    tables.Column("started", whole=True),
    tables.Column("status"),
    tables.Column("pages", numeric=True),
    tables.Column("new", numeric=True),
    tables.Column("updated", numeric=True, drop=2),
    tables.Column("unchanged", numeric=True, drop=3),
    tables.Column("errors", numeric=True),
    tables.Column("error kinds", drop=4),
    tables.Column("backoff", drop=5),
]
STATS_TABLE = [
    tables.Column("source"),
    tables.Column("articles", numeric=True),
    tables.Column("revisions", numeric=True, drop=3),
    tables.Column("last crawl", whole=True),
    tables.Column("last status"),
    tables.Column("last new article", whole=True, drop=2),
    tables.Column("errors", numeric=True, drop=4),
    tables.Column("error pages", numeric=True, drop=5),
    tables.Column("health", whole=True),
]


def fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


# The most rows a --limit may ask for; far past any archive, well within SQLite's integers.
MAX_LIMIT = 1_000_000_000
# Control characters (C0 but tab and newline, DEL, C1) in archived data: shown escaped, never sent to
# the terminal, where ESC starts sequences that move the cursor, retitle the window or make hyperlinks.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def limit_option(help: str) -> Callable[..., Any]:
    """``--limit``/``-n``: a count from 1 to :data:`MAX_LIMIT`, 20 by default."""

    def bounded(ctx: click.Context, param: click.Parameter, value: int) -> int:
        if value > MAX_LIMIT:
            fail(f"--limit {value} is more than {MAX_LIMIT:,}")
        return value

    return click.option("--limit", "-n", type=click.IntRange(min=1), default=20, show_default=True, callback=bounded, help=help)


def shown(value: Any, style: str | None = None) -> Text:
    """Archived data as literal terminal text: Rich markup is not interpreted, control characters are escaped."""
    return Text(_CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", str(value)), style=style or "")


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
        except FrontierError as exc:
            fail(str(exc), EXIT_FAILED)

    return wrapper


def with_archive(write: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add ``--config`` and ``--archive`` and hand the command the open :class:`Archive` (exit 2 when unusable)."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @config_option("The config file, which also names the archive.")
        @click.option("--archive", "archive_path", type=click.Path(), help="The archive file (instead of the config's).")
        @functools.wraps(command)
        def wrapper(config_path: str, archive_path: str | None, **kwargs: Any) -> Any:
            try:
                path = Path(archive_path) if archive_path else load_config(config_path).archive_path
                if not path.exists():
                    raise ArchiveError(f"{path}: no archive here yet; run `newsarchive crawl` first")
                # A command that reworks an archive never makes one of another file (an empty one).
                with Archive(path, readonly=not write, create=False) as archive:
                    return command(archive=archive, **kwargs)
            except (ConfigError, ArchiveError, QueryError) as exc:
                fail(str(exc))

        return wrapper

    return decorate


class _Text(click.ParamType):
    """Text as typed, a byte that is not UTF-8 (a lone surrogate to Python) as U+FFFD. Not for file paths."""

    name = "text"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        return without_surrogates(str(value))


TEXT = _Text()


def with_selection(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--source``, ``--since`` and ``--until`` and hand the command a :class:`Selection`."""

    @click.option("--source", "-s", "sources", type=TEXT, multiple=True, help="Only this source (repeatable).")
    @click.option("--since", type=TEXT, help="Only articles published since: a date (2026-11-27), date-time, or age (2d).")
    @click.option("--until", type=TEXT, help="Only articles published before this date, date-time or age.")
    @functools.wraps(command)
    def wrapper(sources: tuple[str, ...], since: str | None, until: str | None, **kwargs: Any) -> Any:
        return command(selection=Selection(sources, since, until), **kwargs)

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
@click.option("--source", "-s", "names", type=TEXT, multiple=True, help="Crawl only this source (repeatable).")
@frontier_option
@click.option("--refresh", is_flag=True, help="Fetch every archived article of the sources again now.")
@click.option("--since", metavar="AGE", type=TEXT,
              help="Take entries up to this old (30d, 12h, 1w) from every source, this run only, instead of its `since`.")  # fmt: skip
@click.option("--verbose", "-v", is_flag=True, help="Show Scrapy's log.")
@click.option("--wait", type=click.FloatRange(min=0), default=0, show_default=True,
              help="Seconds to wait for sources that another process is crawling, before skipping them.")  # fmt: skip
@click.option("--progress-every", type=click.FloatRange(min=0.1), default=10, show_default=True,
              help="Seconds between progress lines when not on a terminal.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--run", "run_id", hidden=True, help="Run id to record (the scheduler names its runs).")
def crawl(
    config: Config,
    names: tuple[str, ...],
    frontier: str | None,
    refresh: bool,
    since: str | None,
    verbose: bool,
    wait: float,
    progress_every: float,
    as_json: bool,
    run_id: str | None,
) -> None:
    """Crawl all (or the named) sources once and print a summary.

    Sources another process is crawling are skipped (a crawl of all sources still
    exits 0 then; one of named sources exits 1).
    """
    # Scrapy and Twisted load only for commands that crawl.
    from archive.locks import LockBusy
    from archive.store import make_archive_folder
    from scraper.crawl.run import run_crawl

    config = config.with_frontier(frontier).with_since(since)
    sources = config.select(names)
    log_level = "INFO" if verbose else "WARNING"
    make_archive_folder(config.archive_path)
    try:
        if config.frontier:
            from scraper.distributed.cluster import run_distributed_crawl

            report = run_distributed_crawl(config, sources, log_level)
        else:
            report = run_crawl(
                config, sources, log_level, run=run_id, wait=wait, progress_every=progress_every, refresh=refresh
            )
    except LockBusy as exc:
        fail(f"{exc}; try again later, or pass --wait SECONDS", EXIT_FAILED)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM while waiting for a lock, before anything was written
        fail("interrupted", EXIT_FAILED)
    if as_json:
        click.echo(json.dumps(_crawl_json(report, config), ensure_ascii=False, indent=2))
    else:
        _print_crawl_summary(report, config)
    if not report.ok or (names and report.busy):
        sys.exit(EXIT_FAILED)


def _print_crawl_summary(report: CrawlReport, config: Config) -> None:
    from archive.health import empty_reason

    out = tables.console()
    rows = [[entry.source, entry.status, *(str(entry.counts.get(c, 0)) for c in SUMMARY_COLUMNS)] for entry in report.sources]
    tables.print_table(out, f"run {report.run} -> {config.archive_path.name}", SUMMARY_TABLE, rows)
    for entry in report.sources:
        if entry.status == "empty":
            tables.print_note(out, f"{entry.source}: no article archived yet; this crawl: {empty_reason(entry.counts)}")
        if entry.reason:
            tables.print_note(out, f"{entry.source}: stopped, the archive could not be written: {entry.reason}")
        if entry.counts.get("error_kinds"):
            kinds = ", ".join(f"{kind} x{n}" for kind, n in sorted(entry.counts["error_kinds"].items()))
            tables.print_note(out, f"{entry.source}: errors: {kinds}")
        if entry.counts.get("robots_blocked_urls"):
            shown = entry.counts["robots_blocked_urls"]
            more = entry.counts.get("robots_blocked", 0) - len(shown)
            tables.print_note(out, f"{entry.source}: robots.txt forbade: {', '.join(shown)}" + (f" and {more} more" if more > 0 else ""))
    if report.busy:
        busy = ", ".join(f"{name} ({holder})" for name, holder in report.busy.items())
        tables.print_note(out, f"skipped, being crawled by another process: {busy}")


def _crawl_json(report: CrawlReport, config: Config) -> dict[str, Any]:
    from archive.health import empty_reason

    sources = []
    for entry in report.sources:
        sources.append({"source": entry.source, "status": entry.status, **entry.counts})
        if entry.status == "empty":
            sources[-1]["empty_reason"] = empty_reason(entry.counts)
    return {"run": report.run, "archive": str(config.archive_path), "ok": report.ok, "sources": sources, "busy": report.busy}


@cli.command()
@with_config
@click.option("--source", "-s", "names", type=TEXT, multiple=True, help="Work only on this source (repeatable).")
@frontier_option
@click.option("--verbose", "-v", is_flag=True, help="Show Scrapy's log.")
def worker(config: Config, names: tuple[str, ...], frontier: str | None, verbose: bool) -> None:
    """Fetch and extract pages from the shared Redis frontier until stopped (Ctrl-C)."""
    from scraper.distributed.cluster import run_worker

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

    from scraper.distributed.writer import ArchiveUnwritable, run_writer

    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    try:
        pages = run_writer(config.with_frontier(frontier), batch)
    except ArchiveUnwritable as exc:
        fail(f"writer stopped, the archive could not be written: {exc}; the pages not written wait in Redis", EXIT_FAILED)
    click.echo(f"writer: {pages} pages written to {config.archive_path}")


@cli.command()
@with_config
def check(config: Config) -> None:
    """Validate the config file and list its sources."""
    from archive.store import make_archive_folder

    make_archive_folder(config.archive_path, create=False)
    folder = config.archive_path.parent
    made = "" if folder.is_dir() else f" (its folder {folder} will be made by the first crawl)"
    click.echo(f"{config.path}: ok, archive {config.archive_path}{made}")
    if config.frontier:
        click.echo(f"  distributed through {redacted(config.frontier)}")
    for source in config.sources:
        click.echo(f"  {source.name}: {', '.join(source.modes())}")


@cli.command()
@with_config
def schedule(config: Config) -> None:
    """Crawl every source on its timetable until stopped; SIGHUP reloads the config."""
    from archive.locks import LockBusy
    from scraper.scheduler import Scheduler

    try:
        sys.exit(Scheduler(config).run())
    except LockBusy as exc:
        fail(f"{exc}; stop it first (one scheduler per archive)", EXIT_FAILED)


@cli.command()
@with_archive()
@click.option("--source", "-s", type=TEXT, help="Only this source's crawls.")
@limit_option("How many crawls.")
@click.option("--json", "as_json", is_flag=True, help="Print the crawls and the health flags as JSON.")
def runs(archive: Archive, source: str | None, limit: int, as_json: bool) -> None:
    """List the latest crawls, newest first, and flag unhealthy sources."""
    from archive.health import run_history, source_health
    from scraper.config import format_duration

    history = run_history(archive.db, source, limit)
    names = [source] if source else [row[0] for row in archive.db.execute("SELECT DISTINCT source FROM crawls ORDER BY source")]
    health = source_health(archive.db, names, silent_after=_silent_after())
    unhealthy = {entry.source: entry.flags for entry in health.values() if not entry.healthy}
    if as_json:
        for row in history:
            row["error_kinds"] = json.loads(row["error_kinds"] or "{}")
        click.echo(json.dumps({"archive": str(archive.path), "crawls": history, "unhealthy": unhealthy}, indent=2))
        return
    out = tables.console()
    rows = []
    for row in history:
        kinds = json.loads(row["error_kinds"] or "{}")
        rows.append([
            row["run"], row["source"], tables.timestamp(row["started"]), row["status"],
            *(str(row[c]) for c in ("pages", "new", "updated", "unchanged", "errors")),
            ", ".join(f"{kind} x{n}" for kind, n in sorted(kinds.items())),
            format_duration(row["backoff"]) if row.get("backoff") else "",
        ])  # fmt: skip
    if rows:
        tables.print_table(out, f"crawls in {archive.path.name}, newest first (times in UTC)", RUNS_TABLE, rows)
    else:
        tables.print_note(out, "no crawls yet")
    for name, flags in unhealthy.items():
        for kind, message in flags.items():
            tables.print_note(out, f"{name}: {kind}: {message}")
    if not unhealthy:
        tables.print_note(out, "all sources healthy")


def _silent_after() -> timedelta:
    """How long without a new article makes a source silent: as the scheduler judges it,
    with the config's setting when there is a config."""
    from scraper.config import ScheduleSettings

    config_path = Path(click.get_current_context().params.get("config_path") or "config.yaml")
    schedule = load_config(config_path).schedule if config_path.exists() else ScheduleSettings()
    return timedelta(seconds=schedule.seconds("silent_after"))


@cli.command()
def schema() -> None:
    """Print what every table and column of the archive means."""
    from archive.schema import describe_tables

    click.echo(describe_tables())


@cli.command()
@click.argument("url", type=TEXT)
@config_option("Take the crawl settings (User-Agent, robots, delay) from this file, if it exists.")
@click.option("--verbose", "-v", is_flag=True, help="Show Scrapy's log.")
def discover(url: str, config_path: str, verbose: bool) -> None:
    """Find a site's feeds and sitemaps from its home page URL and print a config.yaml source entry."""
    from scraper.crawl.discover import discover_site, format_discovery  # loads Scrapy

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        fail(f"{url!r} is not an http(s) URL of a home page, such as https://example.com/")
    result = discover_site(url, _optional_config(config_path), log_level="INFO" if verbose else "WARNING")
    if result.home_error:
        click.echo(f"{url}: home page failed: {result.home_error}", err=True)
    if not result.found:
        fail(f"{url}: found no feed and no sitemap", EXIT_FAILED)
    click.echo(format_discovery(result))


@cli.command("extract")
@click.argument("page")
@click.option("--url", help="Where a saved PAGE was published (for its links and canonical URL).")
@click.option("--level", type=click.Choice(["best", "fast"]), default="best", show_default=True, help="Extraction level.")
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
@config_option("Take the crawl settings (User-Agent, robots, delay) from this file, if it exists, when PAGE is a URL.")
def extract_page(page: str, url: str | None, level: str, as_json: bool, config_path: str) -> None:
    """Print the article a page yields: PAGE is a saved HTML file, or a URL fetched once, politely.

    Nothing is archived; exit 1 when the page is not an article (and why), or could not be fetched.
    """
    from scraper.extract import extract

    content_type = None
    if urlsplit(page).scheme in ("http", "https"):
        from scraper.crawl.single import fetch_page  # loads Scrapy

        fetched = fetch_page(page, _optional_config(config_path))
        if fetched.error:
            fail(f"{page}: {fetched.error}", EXIT_FAILED)
        html, url, content_type = fetched.body, url or fetched.url, fetched.headers.get("Content-Type")
    else:
        try:
            html = Path(page).read_bytes()
        except OSError as exc:
            fail(f"{page}: {exc.strerror or exc}")
        url = url or Path(page).resolve().as_uri()
    article = extract(html, url, level=level, content_type=content_type)
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(article), ensure_ascii=False, indent=2))
    elif article.is_article:
        for label, value in [("title", article.title), ("authors", ", ".join(article.authors)),
                             ("published", article.published), ("language", article.language)]:
            if value:
                click.echo(f"{label}: {value}")
        click.echo(f"\n{article.text}")
    if not article.is_article:
        fail(f"{page}: not an article: {article.not_article}", EXIT_FAILED)


@cli.command()
@with_config
@click.argument("urls", nargs=-1, required=True, type=TEXT)
@click.option("--source", "-s", "source_name", type=TEXT,
              help="Archive them as this configured source's (its crawl settings apply); else as `added`.")  # fmt: skip
@click.option("--verbose", "-v", is_flag=True, help="Show Scrapy's log.")
def add(config: Config, urls: tuple[str, ...], source_name: str | None, verbose: bool) -> None:
    """Archive these pages now, through the crawl's pipeline (exit 1 when one was not archived)."""
    from archive.locks import LockBusy
    from scraper.crawl.single import add_pages, check_url  # loads Scrapy

    pages = [check_url(url) for url in urls]
    try:
        _, outcomes = add_pages(config, pages, source_name, log_level="INFO" if verbose else "WARNING")
    except LockBusy as exc:
        fail(f"{exc}; try again later", EXIT_FAILED)
    for url, outcome in outcomes:
        click.echo(f"{outcome}: {url}")
    if any(outcome not in ("article", "known") for _, outcome in outcomes):
        sys.exit(EXIT_FAILED)


def _optional_config(config_path: str) -> Config | None:
    """The config at ``config_path`` when the file exists (exit 2 when it is broken)."""
    if not Path(config_path).exists():
        return None
    try:
        return load_config(config_path)
    except ConfigError as exc:
        fail(str(exc))


@cli.command()
@click.argument("query", type=TEXT)
@with_archive()
@with_selection
@limit_option("How many results.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as a JSON array.")
def search(archive: Archive, query: str, selection: Selection, limit: int, as_json: bool) -> None:
    """Full-text search of the archive, best matches first.

    Words are found as typed (e-mail, U.S., c++ too); FTS5 syntax works where the query is valid FTS5:
    "a phrase", OR, NOT, prefix*, title:word.
    """
    from archive.queries import search as run_search

    hits = run_search(archive.db, query, selection, limit)
    if as_json:
        plain = [{**hit, "snippet": plain_snippet(hit["snippet"])} for hit in hits]
        click.echo(json.dumps(plain, ensure_ascii=False, indent=2))
        return
    console = Console(highlight=False, soft_wrap=True)
    for rank, hit in enumerate(hits, 1):
        console.print(Text(f"{rank}. ", style="dim").append_text(shown(hit["title"] or hit["url"], "bold")))
        console.print(shown(f"   {hit['source']} · {hit['published'] or 'undated'} · {hit['url']}", "dim"))
        console.print(Text("   ").append_text(_highlighted(" ".join((hit["snippet"] or "").split()))))
    if not hits:
        click.echo(f"no article matches {query!r}", err=True)


def _highlighted(snippet: str) -> Text:
    text = Text()
    for index, part in enumerate(re.split(f"[{''.join(HIGHLIGHT)}]", snippet)):
        text.append_text(shown(part, "bold yellow" if index % 2 else None))
    return text


@cli.command()
@click.argument("url", type=TEXT)
@with_archive()
@click.option("--json", "as_json", is_flag=True, help="Print every version as JSON.")
def diff(archive: Archive, url: str, as_json: bool) -> None:
    """Show every version of an archived article and what changed between them."""
    from archive.queries import history
    from scraper.crawl.urls import normalize_url

    versions = history(archive.db, normalize_url(url)) or history(archive.db, url)
    if not versions:
        raise QueryError(f"no archived article at {url}")
    if as_json:
        click.echo(json.dumps(versions, ensure_ascii=False, indent=2))
        return
    console = Console(highlight=False, soft_wrap=True)
    console.print(shown(f"{versions[0]['url']}: {len(versions)} version(s)", "bold"))
    for version in versions:
        until = version["replaced_at"] or "now"
        heading = f"\nversion {version['version']}  {version['fetched_at']} – {until}  ({version['cause']}, {version['extractor']})"
        console.print(shown(heading, "bold"))
        console.print(shown(f"  {version['title']}"))
        for line in (version["diff"] or "").splitlines():
            style = "green" if line.startswith("+") else "red" if line.startswith("-") else "cyan" if line.startswith("@@") else None
            console.print(shown(line, style))


@cli.command()
@with_archive()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats(archive: Archive, as_json: bool) -> None:
    """Per source: articles, revisions, last crawl, last new article, errors, health; and the archive's size."""
    from archive.health import source_health
    from archive.queries import archive_size, source_stats

    rows = source_stats(archive.db)
    size = archive_size(archive.path)
    total = sum(row["articles"] for row in rows)
    health = source_health(archive.db, [row["source"] for row in rows], silent_after=_silent_after())
    if as_json:
        for row in rows:
            row["health"] = "; ".join(f"{kind}: {message}" for kind, message in health[row["source"]].flags.items()) or "ok"
        click.echo(json.dumps({"archive": str(archive.path), "bytes": size, "articles": total, "sources": rows}, indent=2))
        return
    out = tables.console()
    cells = [
        [
            row["source"], str(row["articles"]), str(row["revisions"]), tables.timestamp(row["last_crawl"]),
            row["last_status"] or "", tables.timestamp(row["last_new_article"]), str(row["errors"]),
            str(row["error_pages"]), ", ".join(health[row["source"]].flags) or "ok",
        ]
        for row in rows
    ]  # fmt: skip
    title = f"{archive.path.name}: {total} articles, {size / 1e6:.1f} MB (times in UTC)"
    tables.print_table(out, title, STATS_TABLE, cells)
    for row in rows:
        for kind, message in health[row["source"]].flags.items():
            tables.print_note(out, f"{row['source']}: {kind}: {message}")


@cli.command()
@with_archive()
@with_selection
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "warc"]), default="jsonl", show_default=True,
              help="jsonl and csv: articles; warc: the raw responses (dates apply to when they were fetched), "
              "gzipped unless the output is named .warc.")  # fmt: skip
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), default="-", help="The file to write (default: standard output)."
)
def export(archive: Archive, selection: Selection, fmt: str, output: str) -> None:
    """Export articles as JSON Lines or CSV, or the raw responses as a WARC file, streaming."""
    from archive import export as exporters

    selection.check(archive.db)
    writer = {"jsonl": exporters.export_jsonl, "csv": exporters.export_csv, "warc": exporters.export_warc}[fmt]
    binary = fmt == "warc"
    if binary:  # gzipped, unless the file is named plain .warc
        plain = output.lower().endswith(".warc")
        name = Path(output).name if output != "-" else "newsarchive-export.warc.gz"
        writer = functools.partial(exporters.export_warc, gzip=not plain, filename=name)
    try:
        with open_output(output, binary) as stream:
            count = writer(archive.db, stream, selection)
    except OSError as exc:
        raise QueryError(f"{output}: cannot write the export: {exc.strerror}") from None
    what = "responses" if binary else "articles"
    click.echo(f"exported {count} {what} to {'standard output' if output == '-' else output}", err=True)


@contextlib.contextmanager
def open_output(output: str, binary: bool) -> Iterator[IO[Any]]:
    """Standard output for ``-``; otherwise the file, written beside it and renamed when complete,
    so an interrupted export leaves no half file (devices and pipes are written directly)."""
    if output == "-":
        yield sys.stdout.buffer if binary else sys.stdout
        return
    target = Path(output)
    mode = {"mode": "wb"} if binary else {"mode": "w", "encoding": "utf-8", "newline": ""}
    if target.exists() and not target.is_file():
        with open(target, **mode) as stream:
            yield stream
        return
    # A fresh name, created with O_EXCL|O_NOFOLLOW (mkstemp): a planted file or symlink is never written through.
    descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=target.name + ".", suffix=".part")
    partial = Path(name)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(descriptor, 0o666 & ~umask)  # as open() would have made it, not mkstemp's 0600
        with open(descriptor, **mode) as stream:
            yield stream
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


@cli.command()
@with_archive(write=True)
@with_selection
@click.option("--workers", type=click.IntRange(0), help="Extraction processes (default: one per core; 0: in-process).")
def reextract(archive: Archive, selection: Selection, workers: int | None) -> None:
    """Run the current extractor again on the stored raw pages (no network), at the config's
    `extract` level; update what changed, and archive the pages once judged not articles that now are."""
    from scraper.crawl.pool import shutdown_pools
    from scraper.reextract import reextract as run_reextract

    # The level is the config's, when there is a config (as `stats` reads its schedule).
    config_path = Path(click.get_current_context().params.get("config_path") or "config.yaml")
    level = load_config(config_path).crawl.extract if config_path.exists() else "best"
    try:
        report = run_reextract(archive, selection, workers, level=level)
    finally:
        shutdown_pools()
    click.echo(
        f"{report.examined} articles examined: {report.changed} changed "
        f"({report.updated} in their words, recorded as revisions; {report.metadata} in metadata only), "
        f"{report.unchanged} unchanged, {report.not_articles} no longer seen as articles (kept), "
        f"{report.no_body} without a stored page"
        + (f", {report.failed} failed (kept as they were)" if report.failed else "")
        + f"; {report.pages_examined} pages once judged not articles examined, {report.found} of them now archived "
        f"({level} extraction)"
    )


@cli.command()
@with_archive()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", "-p", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
def serve(archive: Archive, host: str, port: int) -> None:
    """Read, search and chart the archive in datasette: article pages, facets, canned queries, Atom feeds.

    Read-only, on 127.0.0.1 unless --host says otherwise, each query stopped after a second.
    """
    from datasette.cli import cli as datasette

    from archive.browse import datasette_arguments

    archive.close()  # checked and upgraded; datasette opens it itself, read-only
    with tempfile.TemporaryDirectory(prefix="newsarchive-") as folder:
        arguments = datasette_arguments(archive.path, Path(folder) / "metadata.json", host, port)
        click.echo(f"serving {archive.path} at http://{host}:{port}/ (Ctrl-C stops)", err=True)
        datasette.main(arguments, prog_name="datasette", standalone_mode=False)


def main() -> None:
    """The console script: click's own handling, but a usage mistake is one line, not a usage block."""
    try:
        code = cli.main(prog_name="newsarchive", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:  # `newsarchive` alone: the help, as click prints it
        click.echo(exc.format_message(), err=True)
        sys.exit(EXIT_USAGE)
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "newsarchive"
        fail(f"{exc.format_message()} (`{command} --help` lists what it takes)")
    except click.ClickException as exc:
        fail(exc.format_message(), exc.exit_code)
    except click.Abort:
        fail("interrupted", EXIT_FAILED)
    if isinstance(code, int):  # a command that called ctx.exit(code)
        sys.exit(code)
