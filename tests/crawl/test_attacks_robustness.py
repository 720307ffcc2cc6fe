"""Attacks on the crawl's stamina, on loopback: pages that stall or kill extraction, sitemap
indexes that never end, a full disk, hostile JSON-LD and node sizes, and archived data or
arguments aimed at the terminal (issue 21, points 3, 4, 5, 9 and 10)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
import sqlite_utils

from archive.store import Archive
from scraper.extract import extract
from tests.conftest import REPO, invoke, rows, run_cli, write_config
from tests.newssite import Article, Site, article_page, bulk_articles, news_sitemap, rss_feed, sitemap_index

# 400,000 one-word paragraphs: minutes of extraction without a budget (issue 21, point 3).
STALLING_TAIL = "<p>w</p>" * 400_000
# Enough paragraphs to hold a worker for many seconds, after a real article's text.
SLOW_TAIL = "<p>w</p>" * 150_000


def start_crawl(folder: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "scraper", "crawl"],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def feed_site(site: Site, articles: list[Article], slow: Article | None = None, tail: str = SLOW_TAIL) -> str:
    """Serve the articles and an RSS feed of them (``slow`` first, its page padded with ``tail``)."""
    listed = ([slow] if slow else []) + articles
    for article in articles:
        site.add(article.path, article_page(article, site.base))
    if slow:
        site.add(slow.path, article_page(slow, site.base).replace("</body>", tail + "</body>"))
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    site.add("/feed.xml", rss_feed(site.base, listed), "application/rss+xml")
    return f"{site.base}/feed.xml"


def command_line(process: psutil.Process) -> str:
    """A process's command line; empty for one that ended while we looked (short-lived helpers come and go)."""
    try:
        return " ".join(process.cmdline())
    except psutil.NoSuchProcess:
        return ""


def extraction_workers(crawl: psutil.Process) -> list[psutil.Process]:
    """The crawl's extraction workers: the forkserver's children."""
    workers = []
    for child in crawl.children():
        if "forkserver" in command_line(child):
            try:
                workers += child.children()
            except psutil.NoSuchProcess:
                pass
    return workers


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


# -- a budget per page -----------------------------------------------------------------


def test_a_page_that_stalls_extraction_is_recorded_and_the_crawl_goes_on(make_site, tmp_path: Path):
    site = make_site()
    stalling, *articles = bulk_articles(6)
    feed = feed_site(site, articles, slow=stalling, tail=STALLING_TAIL)
    write_config(tmp_path, [{"name": "budget", "feeds": [feed]}], workers=1, extraction_timeout=5)
    started = time.monotonic()
    result = run_cli("crawl", cwd=tmp_path, timeout=120)
    assert time.monotonic() - started < 120
    assert "Traceback" not in result.stderr
    db = tmp_path / "archive.db"
    assert {row["url"] for row in rows(db, "SELECT url FROM articles")} == {site.base + a.path for a in articles}
    (stalled,) = rows(db, "SELECT outcome, error FROM pages WHERE url = ?", (site.base + stalling.path,))
    assert stalled == {"outcome": "error", "error": "extraction_timeout"}
    (run,) = rows(db, "SELECT status, error_kinds FROM crawls")
    assert run["status"] == "partial" and json.loads(run["error_kinds"]) == {"extraction_timeout": 1}
    assert result.returncode == 1 and "extraction_timeout x1" in result.stdout


def test_a_killed_extraction_worker_costs_only_the_page_it_held(make_site, tmp_path: Path):
    site = make_site()
    articles = bulk_articles(30)
    slow, rest = articles[0], articles[1:]
    feed = feed_site(site, rest, slow=slow)
    # The other pages are answered only once the worker is killed: they all come after it.
    killed = threading.Event()
    for article in rest:
        page = site.pages[article.path]
        site.pages[article.path] = lambda page=page: killed.wait(30) and page
    write_config(tmp_path, [{"name": "kill", "feeds": [feed]}], workers=2, extraction_timeout=300, timeout=30)
    crawl = start_crawl(tmp_path)
    try:
        wait_for(lambda: site.hits(slow.path) > 0, 60, "the slow page to be fetched")
        process = psutil.Process(crawl.pid)
        wait_for(lambda: len(extraction_workers(process)) == 2, 30, "two extraction workers")
        workers = extraction_workers(process)
        before = [worker.cpu_times().user for worker in workers]
        wait_for(lambda: max(w.cpu_times().user - b for w, b in zip(workers, before)) > 1, 60, "the slow page in a worker")
        busy = max(zip(workers, before), key=lambda pair: pair[0].cpu_times().user - pair[1])[0]
        busy.send_signal(signal.SIGKILL)  # as the OOM killer would
        killed.set()
        out, err = crawl.communicate(timeout=120)
    finally:
        killed.set()
        if crawl.poll() is None:
            crawl.kill()
            crawl.wait()
    assert "Traceback" not in err and "BrokenProcessPool" not in err
    db = tmp_path / "archive.db"
    archived = {row["url"] for row in rows(db, "SELECT url FROM articles")}
    assert archived == {site.base + a.path for a in rest}  # 29 of 30
    (lost,) = rows(db, "SELECT error FROM pages WHERE url = ?", (site.base + slow.path,))
    assert lost["error"] == "extraction_crashed"
    assert "kill: errors: extraction_crashed x1\n" in out


def test_a_sigkilled_crawl_leaves_no_worker_forkserver_or_resource_tracker(make_site, tmp_path: Path):
    site = make_site()
    articles = bulk_articles(4)
    feed = feed_site(site, articles[1:], slow=articles[0], tail=SLOW_TAIL * 3)
    write_config(tmp_path, [{"name": "orphans", "feeds": [feed]}], workers=2, extraction_timeout=300)
    crawl = start_crawl(tmp_path)
    try:
        process = psutil.Process(crawl.pid)
        wait_for(lambda: len(extraction_workers(process)) == 2 and site.hits(articles[0].path), 60, "busy workers")
        time.sleep(1)
        descendants = process.children(recursive=True)
        names = " ".join(command_line(child) for child in descendants)
        assert "forkserver" in names and "resource_tracker" in names
        crawl.send_signal(signal.SIGKILL)
        crawl.wait(10)
    finally:
        if crawl.poll() is None:
            crawl.kill()
            crawl.wait()
        crawl.stdout.close()
        crawl.stderr.close()
    _, alive = psutil.wait_procs(descendants, timeout=10)
    for survivor in alive:
        survivor.kill()  # do not leave them to the next test
    assert not alive, [command_line(p) for p in alive]


# -- listings once per run ---------------------------------------------------------------

FANOUT = 5


def test_sitemap_cycles_chains_and_fanouts_end(make_site, tmp_path: Path):
    site = make_site()
    base = site.base
    articles = bulk_articles(3)
    for article in articles:
        site.add(article.path, article_page(article, base))
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    # An index listing itself and another index that lists it back, and the URL set of the articles.
    site.add("/a.xml", sitemap_index(base, ["/a.xml", "/b.xml", "/urls.xml"]), "application/xml")
    site.add("/b.xml", sitemap_index(base, ["/a.xml", "/b.xml"]), "application/xml")
    site.add("/urls.xml", news_sitemap(base, articles), "application/xml")
    # A chain of indexes ten deep.
    for depth in range(10):
        site.add(f"/chain/{depth}.xml", sitemap_index(base, [f"/chain/{depth + 1}.xml"]), "application/xml")
    # Every index lists five new ones.
    paths = ["/fan/0.xml"]
    for path in iter(paths):  # grows as it goes: every index served lists five new ones
        children = [f"{path[:-4]}-{n}.xml" for n in range(FANOUT)]
        site.add(path, sitemap_index(base, children), "application/xml")
        paths.extend(children)
        if len(site.pages) > 300:
            break
    sources = [
        {"name": "cycle", "sitemaps": [f"{base}/a.xml"]},
        {"name": "chain", "sitemaps": [f"{base}/chain/0.xml"]},
        {"name": "fan", "sitemaps": [f"{base}/fan/0.xml"]},
    ]
    write_config(tmp_path, sources, max_sitemaps=20)
    started = time.monotonic()
    result = run_cli("crawl", cwd=tmp_path, timeout=90)
    assert time.monotonic() - started < 90
    assert "Traceback" not in result.stderr
    listings = [path for path, _ in site.requests if path.endswith(".xml")]
    assert max(listings.count(path) for path in set(listings)) == 1  # each read once
    db = tmp_path / "archive.db"
    assert {row["url"] for row in rows(db, "SELECT url FROM articles")} == {base + a.path for a in articles}
    runs = {row["source"]: json.loads(row["error_kinds"]) for row in rows(db, "SELECT source, error_kinds FROM crawls")}
    assert runs["cycle"] == {}
    assert runs["chain"] == {"sitemap_too_deep": 1}
    assert sum(1 for path in listings if path.startswith("/chain/")) == 4  # the configured one and 3 below
    assert runs["fan"] == {"too_many_sitemaps": 1}
    assert sum(1 for path in listings if path.startswith("/fan/")) == 20


# -- a full disk -------------------------------------------------------------------------


def test_a_full_disk_stops_the_crawl_cleanly_and_fails_the_run(make_site, small_disk: Path, tmp_path: Path):
    site = make_site()
    articles = bulk_articles(300)
    for article in articles:
        site.add(article.path, article_page(article, site.base))
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    site.add("/sitemap.xml", news_sitemap(site.base, articles), "application/xml")
    config = write_config(tmp_path, [{"name": "full", "sitemaps": [f"{site.base}/sitemap.xml"]}])
    config.write_text(config.read_text().replace("archive: archive.db", f"archive: {small_disk / 'archive.db'}"))
    result = run_cli("crawl", cwd=tmp_path, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    summary = " ".join(result.stdout.split())  # notes wrap at the terminal's width
    assert summary.startswith("run ")  # the summary table
    assert "full: stopped, the archive could not be written: archive_full: database or disk is full" in summary
    assert all(len(line) < 1000 for line in result.stderr.splitlines())  # URLs, never page bodies
    assert "not recorded: archive_full" in result.stderr
    db = small_disk / "archive.db"
    (run,) = rows(db, "SELECT status, error_kinds FROM crawls")
    assert run["status"] == "failed"
    lost = json.loads(run["error_kinds"])["archive_full"]
    archived = rows(db, "SELECT count(*) AS n FROM articles")[0]["n"]
    assert 0 < archived < len(articles) and lost >= 1
    assert rows(db, "PRAGMA integrity_check") == [{"integrity_check": "ok"}]
    assert sorted(p.name for p in small_disk.iterdir() if "reserve" in p.name) == []  # the space held is given back


# -- smaller ones ------------------------------------------------------------------------

PARAGRAPHS = "".join(
    f"<p>Paragraph {n} of the article tells the council's story in plain words, one sentence at a time.</p>" for n in range(10)
)


@pytest.mark.parametrize("nested", ["[" * 5000 + "]" * 5000, '{"a":' * 5000 + "1" + "}" * 5000])
def test_json_ld_nested_thousands_deep_loses_nothing(nested: str):
    data = '{"@context":"https://schema.org","@type":"NewsArticle","headline":"Deep data","x":' + nested + "}"
    page = (
        f'<html><head><title>Deep data</title><script type="application/ld+json">{data}</script></head>'
        f"<body><article><h1>Deep data</h1>{PARAGRAPHS}</article></body></html>"
    )
    article = extract(page.encode(), "http://127.0.0.1/deep.html", level="fast")
    assert article.is_article and article.title == "Deep data" and "Paragraph 9" in article.text


def test_json_ld_escaping_half_a_character_is_stored_and_printed(tmp_path: Path):
    # "\ud800" in JSON-LD is a lone surrogate in Python: no UTF-8 encoder takes it, SQLite's included.
    data = '{"@type": "NewsArticle", "headline": "Half \\ud800 a character", "author": {"name": "Jane \\udc00Doe"}, "keywords": "a\\ud800"}'
    page = (
        f'<html><head><script type="application/ld+json">{data}</script></head>'
        f"<body><article><h1>Other</h1>{PARAGRAPHS}</article></body></html>"
    )
    article = extract(page.encode(), "http://127.0.0.1/half.html")
    assert article.title == "Half \ufffd a character" and article.authors == ["Jane \ufffdDoe"] and article.tags == ["a\ufffd"]
    sqlite_utils.Database(tmp_path / "a.db")["articles"].insert(article.record())  # as the archive writes it
    (tmp_path / "half.html").write_text(page, encoding="utf-8")
    printed = invoke("extract", str(tmp_path / "half.html"), "--json", cwd=tmp_path)
    assert printed.returncode == 0 and json.loads(printed.stdout)["title"] == "Half \ufffd a character"


def test_lists_nested_a_thousand_deep_lose_nothing():
    # trafilatura reads nested lists by recursion: this page once stopped extraction with a RecursionError.
    lists = "<ul><li>Item" * 1000 + "</li></ul>" * 1000
    page = f"<html><head><title>Deep lists</title></head><body><article><h1>Deep lists</h1>{PARAGRAPHS}{lists}</article></body></html>"
    article = extract(page.encode(), "http://127.0.0.1/lists.html")
    assert article.is_article and "Paragraph 9" in article.text


@pytest.mark.parametrize("reference", [[], {}, 7, None, ["#a"]])
def test_json_ld_references_that_are_no_strings_lose_nothing(reference: object):
    # An author given as {"@id": <not a string>} once stopped extraction with a TypeError.
    data = json.dumps({"@type": "NewsArticle", "headline": "Odd ids", "author": [{"@id": reference}, {"name": "Jane Doe"}]})
    page = (
        f'<html><head><title>Odd ids</title><script type="application/ld+json">{data}</script></head>'
        f"<body><article><h1>Odd ids</h1>{PARAGRAPHS}</article></body></html>"
    )
    article = extract(page.encode(), "http://127.0.0.1/ids.html")
    assert article.is_article and article.authors == ["Jane Doe"] and "Paragraph 9" in article.text


@pytest.mark.parametrize(
    "huge", ["<p>" + "w" * 10_500_000 + "</p>", '<div data-blob="' + "a" * 10_500_000 + '">x</div>'], ids=["text", "attribute"]
)
def test_a_text_node_or_attribute_over_10_mb_keeps_the_rest_of_the_page(huge: str):
    last = "<p>The last paragraph is still read by the extractor after all.</p>"
    page = f"<html><head><title>Huge</title></head><body><article><h1>Huge</h1>{PARAGRAPHS}{huge}{last}</article></body></html>"
    article = extract(page.encode(), "http://127.0.0.1/huge.html", level="fast")
    assert article.is_article and "The last paragraph is still read" in article.text


def test_tens_of_thousands_of_byline_lines_outside_the_article_cost_no_stall():
    # Each "By" line outside the article once made the byline search read the whole <body>'s text.
    crowd = "<div class='rail'>" + "<span>By Ann Lee</span> " * 20_000 + "</div>"
    article_html = f"<article><p>By Jane Doe</p>{PARAGRAPHS}</article>"
    page = f"<html><head><title>Crowd</title></head><body><h1>Crowd</h1>{crowd}{article_html}</body></html>"
    article = extract(page.encode(), "http://127.0.0.1/crowd.html", level="fast")
    assert article.is_article and article.authors == ["Jane Doe"] and "Paragraph 9" in article.text


@pytest.fixture
def marked_up_archive(tmp_path: Path) -> Path:
    """An archive holding articles whose titles are Rich markup and a terminal hyperlink escape."""
    db = tmp_path / "archive.db"
    with Archive(db) as archive:
        crawl = archive.start_crawl("hostile")
        for number, title in enumerate(["[/bold]", "[link=http://x]t[/link]", "\x1b]8;;http://x\x1b\\t\x1b]8;;\x1b\\"]):
            archive.record_page(
                url=f"http://127.0.0.1/{number}.html", source="hostile", kind="article", outcome="article", status=200,
                crawl_id=crawl, body=b"<html></html>", headers={},
                article={"title": title, "text": f"Words of article {number}.", "content_hash": str(number), "authors": [], "tags": []},
            )  # fmt: skip
    return db


def test_titles_with_rich_markup_or_escapes_are_printed_literally(marked_up_archive: Path, tmp_path: Path):
    db = str(marked_up_archive)
    for number, shown in enumerate(["[/bold]", "[link=http://x]t[/link]", "\\x1b]8;;http://x\\x1b\\t\\x1b]8;;\\x1b\\"]):
        result = invoke("diff", f"http://127.0.0.1/{number}.html", "--archive", db, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert f"  {shown}\n" in result.stdout and "\x1b" not in result.stdout
    found = invoke("search", "words", "--archive", db, cwd=tmp_path)
    assert found.returncode == 0 and "[/bold]" in found.stdout and "\x1b" not in found.stdout


@pytest.mark.parametrize(
    "arguments",
    [
        ("search", "words", "--since", "0001-01-01T00:00+14:00"),
        ("search", "words", "--until", "9999-12-31T23:59-14:00"),
        ("export", "--since", "0001-01-01T00:00+14:00"),
        ("search", "words", "--limit", "99999999999999999999"),
        ("runs", "--limit", "99999999999999999999"),
    ],
)
def test_far_dates_and_huge_limits_give_one_line(marked_up_archive: Path, tmp_path: Path, arguments: tuple[str, ...]):
    write_config(tmp_path, [{"name": "hostile", "urls": ["http://127.0.0.1/"]}])
    (tmp_path / "archive.db").write_bytes(marked_up_archive.read_bytes())
    result = run_cli(*arguments, cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_export_never_writes_through_a_planted_part_file(marked_up_archive: Path, tmp_path: Path):
    target = tmp_path / "out.jsonl"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "out.jsonl.part").symlink_to(victim)
    result = invoke("export", "--archive", str(marked_up_archive), "-o", str(target), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "keep me"
    assert len(target.read_text().splitlines()) == 3 and not target.is_symlink()
    assert [path.name for path in tmp_path.glob("out.jsonl.*")] == ["out.jsonl.part"]  # the plant, untouched


def test_tens_of_thousands_of_author_links_nested_deep_in_a_rail_cost_no_stall():
    # Each author link once had its 200 ancestors tested for a rail of other stories, one XPath each.
    rail = "<aside>" + ("<div class='byline'>" * 200 + "<a href='/author/ann-lee'>Ann Lee</a>" * 2000 + "</div>" * 200) * 20 + "</aside>"
    page = f"<html><head><title>Rail</title></head><body>{rail}<article><h1>Rail</h1><p>By Jane Doe</p>{PARAGRAPHS}</article></body></html>"
    article = extract(page.encode(), "http://127.0.0.1/rail.html", level="fast")
    assert article.is_article and article.authors == ["Jane Doe"] and "Paragraph 9" in article.text


@pytest.mark.parametrize("opening", ['<html><body aria-modal="true">', '<html role="dialog"><body role="dialog">'])
def test_a_page_marked_as_a_dialog_as_a_whole_keeps_its_article(opening: str):
    # Dialogs inside a page are not read for the body; the page's own <html> or <body> marked as one once lost all text.
    page = f"{opening}<article><h2>No headline element</h2>{PARAGRAPHS}</article></body></html>"
    article = extract(page.encode(), "http://127.0.0.1/modal.html")
    assert article.is_article and "Paragraph 9" in article.text


def test_tens_of_thousands_of_bold_name_lines_in_one_container_cost_no_stall():
    # A rule reading bold lines of names as bylines once measured every paragraph beside each: quadratic in a
    # container's paragraphs. The rule is gone; such a crowd stays a page no part of the extraction may stall on.
    crowd = "<p><b>Ann Lee</b></p>" * 20_000
    page = f"<html><head><title>Bold</title></head><body><div>{crowd}{PARAGRAPHS}</div></body></html>"
    article = extract(page.encode(), "http://127.0.0.1/bold.html", level="fast")
    assert article.is_article and "Paragraph 9" in article.text and article.authors == []
