"""The archive people live in, end to end: revisions from real re-crawls, revisits, search,
diff, stats, every export format, re-extraction, datasette over HTTP, old and bad archives."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
import sqlite3
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.migrations import LATEST
from archive.store import content_hash
from tests.conftest import REPO, invoke, rows, run_cli, write_config
from tests.crawl.test_hostile import HOSTILE_STRINGS
from tests.harness import serving
from tests.newssite import ARTICLES, Site, article_page, build_news_site

EDITED, RESTYLED, AGED = ARTICLES[1], ARTICLES[2], ARTICLES[3]  # glacier, port strike, library
CORRECTION = "forty-two glaciers"


def restyled_page(html: str) -> str:
    """The same words in other markup and whitespace, as a site redesign would serve them."""
    return html.replace("<p>", '<p class="para">\n    <span>').replace("</p>", "</span>\n  </p>").replace(". ", ".  ")


@dataclasses.dataclass
class Crawled:
    folder: Path
    db: Path
    site: Site
    runs: dict[str, subprocess.CompletedProcess]
    hits: dict[str, dict[str, int]]  # after each run: article path -> requests so far


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    """Three crawls of the example site: the first; one after an article came due for a revisit;
    one with --refresh after the server edited one article and restyled another."""
    site = build_news_site(Site()).start()
    folder = tmp_path_factory.mktemp("archive")
    base = site.base
    write_config(
        folder,
        [
            {"name": "daily", "feeds": [f"{base}/rss.xml", f"{base}/atom.xml"]},
            {"name": "german", "urls": [f"{base}{ARTICLES[4].path}"], "revisit": []},
        ],
        revisit=["1h", "1d"],
    )
    db = folder / "archive.db"
    runs, hits = {}, {}

    def crawl(name: str, *args: str) -> None:
        runs[name] = run_cli("crawl", *args, cwd=folder)
        assert "Traceback" not in runs[name].stderr, runs[name].stderr
        hits[name] = {a.path: site.hits(a.path) for a in ARTICLES}

    crawl("first")
    # The library story was first seen 90 minutes ago: its 1h revisit is due.
    aged = (datetime.now(timezone.utc) - timedelta(minutes=90)).isoformat(timespec="seconds")
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE articles SET first_seen = ?, last_fetched = ? WHERE url LIKE ?", (aged, aged, f"%{AGED.path}"))
        conn.execute("UPDATE pages SET fetched_at = ? WHERE url LIKE ?", (aged, f"%{AGED.path}"))
    conn.close()
    crawl("revisit")
    edited = dataclasses.replace(EDITED, paragraphs=[p.replace("forty glaciers", CORRECTION) for p in EDITED.paragraphs])
    site.add(EDITED.path, article_page(edited, base))
    site.add(RESTYLED.path, restyled_page(article_page(RESTYLED, base)))
    crawl("refresh", "--refresh", "--source", "daily")
    yield Crawled(folder, db, site, runs, hits)
    site.stop()


def cli(crawled: Crawled, *args: str) -> subprocess.CompletedProcess:
    return invoke(*args, cwd=crawled.folder)


def copy_archive(crawled: Crawled, folder: Path) -> Path:
    """A consistent copy of the archive (SQLite's backup API), for tests that change it."""
    target = folder / "copy.db"
    source, copy = sqlite3.connect(crawled.db), sqlite3.connect(target)
    source.backup(copy)
    source.close(), copy.close()
    return target


# -- revisions and revisits -----------------------------------------------------------


def test_due_articles_are_revisited_and_others_are_not(crawled):
    first, revisit = crawled.hits["first"], crawled.hits["revisit"]
    assert revisit[AGED.path] == first[AGED.path] + 1
    assert all(revisit[a.path] == first[a.path] for a in ARTICLES if a is not AGED)
    assert crawled.runs["revisit"].returncode == 0, crawled.runs["revisit"].stderr


def test_refresh_refetches_every_article_of_the_source(crawled):
    before, after = crawled.hits["revisit"], crawled.hits["refresh"]
    daily = [a for a in ARTICLES if a is not ARTICLES[4]]  # the feeds' five
    assert all(after[a.path] == before[a.path] + 1 for a in daily)
    assert after[ARTICLES[4].path] == before[ARTICLES[4].path]  # german was not selected
    run = rows(crawled.db, "SELECT * FROM crawls WHERE source = 'daily' ORDER BY id DESC LIMIT 1")[0]
    assert (run["updated"], run["unchanged"], run["new"]) == (1, 4, 0)


def test_an_edited_article_has_two_versions_and_a_diff(crawled):
    url = crawled.site.base + EDITED.path
    revisions = rows(crawled.db, "SELECT * FROM revisions WHERE url = ?", (url,))
    assert len(revisions) == 1
    old = revisions[0]
    assert old["version"] == 1 and old["cause"] == "fetch" and old["text"] == EDITED.text
    assert "forty glaciers" in old["diff"] and CORRECTION in old["diff"]
    current = rows(crawled.db, "SELECT text FROM articles WHERE url = ?", (url,))[0]
    assert CORRECTION in current["text"]

    shown = cli(crawled, "diff", url + "?utm_source=rss")
    assert shown.returncode == 0
    assert "2 version(s)" in shown.stdout
    assert any(line.startswith("-") and "forty glaciers" in line for line in shown.stdout.splitlines())
    assert any(line.startswith("+") and CORRECTION in line for line in shown.stdout.splitlines())
    versions = json.loads(cli(crawled, "diff", url, "--json").stdout)
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["text"] == EDITED.text and CORRECTION in versions[1]["text"]


def test_restyled_and_unchanged_articles_add_no_revision(crawled):
    assert rows(crawled.db, "SELECT count(*) AS n FROM revisions")[0]["n"] == 1
    url = crawled.site.base + RESTYLED.path
    assert crawled.hits["refresh"][RESTYLED.path] > crawled.hits["first"][RESTYLED.path]
    assert rows(crawled.db, "SELECT text FROM articles WHERE url = ?", (url,))[0]["text"] == RESTYLED.text
    assert json.loads(cli(crawled, "diff", url, "--json").stdout)[0]["version"] == 1


def test_diff_of_an_unknown_url_is_bad_input(crawled):
    result = cli(crawled, "diff", "https://nowhere.example/story")
    assert result.returncode == 2 and "no archived article" in result.stderr


# -- search ---------------------------------------------------------------------------


def test_search_ranks_and_highlights(crawled):
    result = cli(crawled, "search", "glaciers", "--json")
    hits = json.loads(result.stdout)
    assert hits[0]["url"] == crawled.site.base + EDITED.path  # in the title and the text: first
    assert "glaciers" in hits[0]["snippet"].lower()  # plain text: no marks, no line breaks
    assert all("<" not in hit["snippet"] and "\n" not in hit["snippet"] for hit in hits)
    assert all(hit["score"] > 0 for hit in hits) and hits == sorted(hits, key=lambda hit: -hit["score"])
    human = cli(crawled, "search", "glaciers")
    assert human.returncode == 0 and EDITED.title in human.stdout


def test_search_sees_the_current_version_only(crawled):
    assert [h["url"] for h in json.loads(cli(crawled, "search", '"forty-two glaciers"', "--json").stdout)] == [
        crawled.site.base + EDITED.path
    ]
    assert json.loads(cli(crawled, "search", '"forty glaciers"', "--json").stdout) == []


def test_search_filters(crawled):
    def urls(*args: str) -> set[str]:
        return {hit["url"].removeprefix(crawled.site.base) for hit in json.loads(cli(crawled, "search", *args, "--json").stdout)}

    assert urls("Bahnstrecke OR glaciers", "--source", "german") == {ARTICLES[4].path}
    # Published 2026-11-27 12:20 UTC; the library story at 10:00-05:00 is 15:00 UTC.
    assert urls("the", "--since", "2026-11-27T12:00Z", "--until", "2026-11-27T09:00-05:00") == {ARTICLES[5].path}
    assert len(urls("the", "--limit", "2")) == 2


# "\udcff": a byte that is not UTF-8, as Python hands over a command-line argument holding one.
@pytest.mark.parametrize("query", ['"unterminated', "title:", "AND", "-", "c++", '"', "\udcff", "caf\udce9 e-mail"])
def test_search_takes_what_fts5_would_reject_as_words(crawled, query):
    result = cli(crawled, "search", query, "--json")
    assert result.returncode == 0 and isinstance(json.loads(result.stdout), list), result.stderr


def test_search_keeps_fts5_syntax_where_it_is_valid(crawled):
    def titles(query: str) -> set[str]:
        return {hit["title"] for hit in json.loads(cli(crawled, "search", query, "--json").stdout)}

    assert titles("title:glaciers") == {EDITED.title}
    assert titles('"pay deal" OR glaciologists') == {EDITED.title, RESTYLED.title}
    assert titles("glacier*") >= {EDITED.title}


@pytest.mark.parametrize(
    "args, message",
    [
        (("search", " "), "the search query is empty"),
        (("search", "x", "--source", "nope"), "unknown source 'nope'"),
        (("search", "x", "--since", "last week"), "is not a date"),
    ],
)
def test_search_bad_input(crawled, args, message):
    result = cli(crawled, *args)
    assert result.returncode == 2 and message in result.stderr and result.stdout == ""


# -- stats ----------------------------------------------------------------------------


def test_stats_per_source(crawled):
    figures = json.loads(cli(crawled, "stats", "--json").stdout)
    by_source = {row["source"]: row for row in figures["sources"]}
    assert by_source["daily"]["articles"] == 5 and by_source["daily"]["revisions"] == 1
    assert by_source["german"]["articles"] == 1 and by_source["german"]["errors"] == 0
    assert by_source["daily"]["last_status"] == "ok" and by_source["daily"]["last_new_article"]
    assert by_source["daily"]["health"] == "ok"
    assert figures["articles"] == 6 and figures["bytes"] >= crawled.db.stat().st_size
    assert "daily" in cli(crawled, "stats").stdout


# -- export ---------------------------------------------------------------------------


def test_export_jsonl_and_csv(crawled, tmp_path):
    out = tmp_path / "articles.jsonl"
    result = cli(crawled, "export", "--format", "jsonl", "-o", str(out))
    assert result.returncode == 0 and "exported 6 articles" in result.stderr
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    stored = {row["url"]: row for row in rows(crawled.db, "SELECT * FROM articles")}
    assert {row["url"] for row in exported} == set(stored)
    for row in exported:
        assert row["text"] == stored[row["url"]]["text"]
        assert row["authors"] == json.loads(stored[row["url"]]["authors"])

    table = list(csv.DictReader(io.StringIO(cli(crawled, "export", "--format", "csv", "--source", "german").stdout)))
    assert [row["title"] for row in table] == [ARTICLES[4].title]
    assert table[0]["authors"] == "; ".join(ARTICLES[4].authors) and table[0]["text"] == ARTICLES[4].text


def test_export_warc_validates_with_warcio(crawled, tmp_path):
    out = tmp_path / "crawl.warc.gz"
    assert cli(crawled, "export", "--format", "warc", "-o", str(out)).returncode == 0
    check = subprocess.run(
        [sys.executable, "-c", "import sys; from warcio.cli import main; main(sys.argv[1:])", "check", str(out)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    with out.open("rb") as stream:
        records = [
            (record.rec_headers.get_header("WARC-Target-URI"), record.http_headers.get_statuscode(), record.content_stream().read())
            for record in ArchiveIterator(stream)
            if record.rec_type == "response"
        ]
    pages = rows(crawled.db, "SELECT url FROM pages WHERE body_hash IS NOT NULL")
    assert sorted(url for url, _, _ in records) == sorted(page["url"] for page in pages)
    bodies = {url: body for url, _, body in records}
    assert bodies[crawled.site.base + EDITED.path] == crawled.site.pages[EDITED.path].body  # the latest version
    assert bodies[crawled.site.base + "/rss.xml"] == crawled.site.pages["/rss.xml"].body
    assert {status for _, status, _ in records} == {"200"}


def test_export_of_nothing_writes_a_valid_empty_file(crawled, tmp_path):
    out = tmp_path / "none.jsonl"
    result = cli(crawled, "export", "--since", "2099-01-01", "-o", str(out))
    assert result.returncode == 0 and out.read_text() == "" and "exported 0" in result.stderr


# -- re-extraction ----------------------------------------------------------------------


def test_reextract_restores_what_an_older_extractor_got_wrong(crawled, tmp_path):
    db = copy_archive(crawled, tmp_path)
    url, other = crawled.site.base + AGED.path, crawled.site.base + ARTICLES[5].path
    # As an older extractor left them: page furniture in one text, a lost byline in another.
    old_text = AGED.text + "\n\nShare on Facebook"
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "UPDATE articles SET text = ?, content_hash = ?, extractor = 'old 0.1' WHERE url = ?",
            (old_text, content_hash(AGED.title, old_text), url),
        )
        conn.execute("UPDATE articles SET authors = '[]' WHERE url = ?", (other,))
    conn.close()
    hits_before = sum(crawled.site.hits(a.path) for a in ARTICLES)

    result = invoke("reextract", "--archive", str(db), "--workers", "0", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "6 articles examined: 2 changed (1 in their words" in result.stdout
    assert sum(crawled.site.hits(a.path) for a in ARTICLES) == hits_before  # no network
    fixed = rows(db, "SELECT * FROM articles WHERE url IN (?, ?) ORDER BY url = ?", (url, other, url))
    assert json.loads(fixed[0]["authors"]) == ARTICLES[5].authors
    assert fixed[1]["text"] == AGED.text and fixed[1]["extractor"].startswith("trafilatura")
    revision = rows(db, "SELECT * FROM revisions WHERE url = ?", (url,))[0]
    assert revision["cause"] == "reextract" and revision["extractor"] == "old 0.1"
    assert "-Share on Facebook" in revision["diff"]

    again = invoke("reextract", "--archive", str(db), "--source", "daily", "--workers", "1", cwd=tmp_path)
    assert "5 articles examined: 0 changed" in again.stdout, again.stderr


# -- datasette --------------------------------------------------------------------------


def get_json(url: str) -> object:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def datasette(crawled, tmp_path_factory) -> Iterator[str]:
    with serving(crawled.folder, tmp_path_factory.mktemp("datasette") / "log.txt") as base:
        yield base


def test_datasette_search_finds_the_article(crawled, datasette):
    found = get_json(datasette + "/archive/articles.json?_search=glaciologists&_shape=array")
    assert [row["url"] for row in found] == [crawled.site.base + EDITED.path]
    canned = get_json(datasette + "/archive/search.json?q=glaciologists&_shape=array")
    assert [row["title"] for row in canned] == [EDITED.title] and "\x02glaciologists\x03" in canned[0]["snippet"]


def test_datasette_has_descriptions_facets_and_canned_queries(crawled, datasette):
    table = get_json(datasette + "/archive/articles.json?_size=1")
    assert set(table["facet_results"]) == {"source", "language", "authors", "tags", "published"}
    metadata = get_json(datasette + "/-/metadata.json")["databases"]["archive"]
    assert metadata["tables"]["revisions"]["columns"]["diff"].startswith("Unified diff")
    changed = get_json(datasette + "/archive/changed_articles.json?_shape=array")
    assert [(row["url"], row["versions"]) for row in changed] == [(crawled.site.base + EDITED.path, 2)]
    per_day = get_json(datasette + "/archive/articles_per_source_per_day.json?_shape=array")
    assert sum(row["articles"] for row in per_day) == 6


# -- old, bad and busy archives ---------------------------------------------------------


def test_an_archive_from_the_previous_schema_upgrades_itself(tmp_path):
    db = tmp_path / "old.db"
    shutil.copy(REPO / "tests" / "data" / "archive-v1.db", db)
    before = rows(db, "SELECT url, text, content_hash FROM articles ORDER BY url")
    result = invoke("search", "glaciologists", "--archive", str(db), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [hit["title"] for hit in json.loads(result.stdout)] == [ARTICLES[1].title]
    assert rows(db, "PRAGMA user_version")[0]["user_version"] == LATEST
    assert rows(db, "SELECT url, text, content_hash FROM articles ORDER BY url") == before
    assert all(row["body_hash"] for row in rows(db, "SELECT body_hash FROM articles"))
    assert {row["codec"] for row in rows(db, "SELECT codec FROM bodies")} == {"zlib"}  # kept as written
    reextracted = invoke("reextract", "--archive", str(db), "--workers", "0", cwd=tmp_path)
    assert reextracted.returncode == 0 and "3 articles examined" in reextracted.stdout, reextracted.stderr


def test_bad_archives_get_a_clear_message(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 100)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE mine (x)").connection.commit()
    newer = tmp_path / "newer.db"
    shutil.copy(REPO / "tests" / "data" / "archive-v1.db", newer)
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    cases = [
        (text, "not a newsarchive archive"),
        (other, "not a newsarchive archive"),
        (newer, "newer than this newsarchive"),
        (tmp_path / "missing.db", "no archive here yet"),
        (tmp_path, "is a folder"),
    ]
    for path, message in cases:
        # Readers and writers open an archive differently: try both where it matters.
        for command in ("stats", "reextract") if path in (text, other) else ("stats",):
            result = invoke(command, "--archive", str(path), cwd=tmp_path)
            assert result.returncode == 2, (path, command, result.stderr)
            assert message in result.stderr and "Traceback" not in result.stderr
    assert text.read_text() == "not a database\n" * 100  # nothing was written to it
    assert rows(other, "SELECT name FROM sqlite_master") == [{"name": "mine"}]


def test_a_read_only_archive_can_be_read_but_not_written(crawled, tmp_path):
    db = copy_archive(crawled, tmp_path)
    db.chmod(0o444)
    result = invoke("search", "glaciers", "--archive", str(db), "--json", cwd=tmp_path)
    assert result.returncode == 0 and json.loads(result.stdout), result.stderr
    write_config(tmp_path, [{"name": "daily", "urls": [crawled.site.base + EDITED.path]}])
    (tmp_path / "config.yaml").write_text((tmp_path / "config.yaml").read_text().replace("archive.db", "copy.db"))
    for result in (run_cli("crawl", cwd=tmp_path), invoke("reextract", cwd=tmp_path)):
        assert result.returncode == 2 and "read-only" in result.stderr, result.stderr

    old = tmp_path / "old.db"
    shutil.copy(REPO / "tests" / "data" / "archive-v1.db", old)
    old.chmod(0o444)
    result = invoke("stats", "--archive", str(old), cwd=tmp_path)
    assert result.returncode == 2 and "older newsarchive and read-only" in result.stderr


def test_reads_work_while_a_crawl_is_writing(crawled):
    writer = sqlite3.connect(crawled.db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # holds the write lock, as a crawl storing a page does
    writer.execute("INSERT INTO crawls (run, source, started, status) VALUES ('busy', 'daily', '2026-01-01', 'running')")
    try:
        result = invoke("search", "glaciers", "--json", cwd=crawled.folder)
        assert result.returncode == 0 and json.loads(result.stdout), result.stderr
        assert invoke("export", "--format", "csv", cwd=crawled.folder).returncode == 0
    finally:
        writer.execute("ROLLBACK")
        writer.close()


# -- hostile strings in search and export filters (issue 7) --------------------------------


@pytest.mark.parametrize("text", HOSTILE_STRINGS)
def test_search_and_export_filters_take_hostile_strings_as_data(crawled, text):
    before = rows(crawled.db, "SELECT count(*) AS n FROM articles")[0]["n"]
    for args in (
        ["search", text],
        ["search", "glaciers", "--source", text],
        ["export", "--format", "jsonl", "--source", text],
        ["export", "--format", "csv", "--since", text],
        ["diff", text],
    ):
        result = cli(crawled, *args)
        # Found nothing, or refused the input with one clear line: never ran it as SQL.
        assert result.returncode in (0, 2), (args, result.stderr)
        assert "Traceback" not in result.stderr
        if result.returncode == 2:
            assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert rows(crawled.db, "SELECT count(*) AS n FROM articles")[0]["n"] == before
    assert rows(crawled.db, "PRAGMA integrity_check")[0]["integrity_check"] == "ok"
