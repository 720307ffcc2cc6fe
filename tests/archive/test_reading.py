"""Reading the archive: `newsarchive serve` (real datasette) looked at in real headless Chromium,
and `newsarchive search`, on an archive made by real crawls of a loopback news site.

Every page must answer 200, log no console error, show what it should and load nothing from
another host. Screenshots land in the test's temporary folder; with NEWSARCHIVE_DOCS_SCREENSHOTS=1
the article page and the charts are also saved as docs/img/*.png for docs/reading.md.
"""

from __future__ import annotations

import dataclasses
import html
import json
import os
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import feedparser
import pytest

from archive.browse import CANNED_QUERIES, CHARTS, DASHBOARD
from archive.schema import TABLES
from tests.conftest import REPO, invoke, run_cli, write_config
from tests.harness import serving
from tests.newssite import ARTICLES, Article, Site, article_page, build_news_site

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (.ci/run installs it)")
playwright_api = pytest.importorskip("playwright.sync_api", reason="needs the test extra: playwright")

EDITED = ARTICLES[1]  # the glacier story, edited on the server between the two crawls
CORRECTION = "forty-two glaciers"
# Articles with the words people type that FTS5 would reject as syntax.
MEMO = Article(
    path="/tech/2026/11/28/agency-email-rules.html",
    title="U.S. agencies must answer every e-mail within a week",
    authors=["Dana Whitfield"],
    published="2026-11-28T08:00:00+00:00",
    paragraphs=[
        "Federal agencies in the U.S. will have to answer every e-mail from the public within seven days, "
        "under a rule published on Friday by the budget office.",
        "Officials said many offices still run case systems written in C++ decades ago, and that staff "
        "don't always see messages that arrive outside office hours.",
        "The rule takes effect in the spring, and agencies that miss the deadline must explain why in "
        "a report that will be published every quarter.",
        'A leaked draft quoted its own markup, "<b>answer within a week</b>", in the subject line.',
    ],
    description="A new rule sets a seven-day deadline for answers to the public.",
    tags=["Politics", "Technology"],
)
ERA = Article(
    path="/de/2026/11/28/nach-der-putin-aera.html",
    title="Historiker streiten über das Ende der Putin-Ära",
    authors=["Jonas Brandt"],
    published="2026-11-28T09:30:00+01:00",
    paragraphs=[
        "Auf einer Tagung in der Hauptstadt haben Historiker darüber gestritten, wann die Putin-Ära "
        "in den Geschichtsbüchern einmal enden wird.",
        "Einige Redner meinten, die Epoche lasse sich erst mit Abstand von Jahrzehnten beurteilen, "
        "andere verwiesen auf die Quellen, die schon heute zugänglich sind.",
        "Die Beiträge der Tagung sollen im kommenden Jahr in einem Sammelband erscheinen.",
    ],
    description="Eine Tagung über die Frage, wann eine Epoche endet.",
    tags=["Geschichte"],
    language="de",
)
# What each typed word must find: the article that holds it.
WORDS = {"e-mail": MEMO, "U.S.": MEMO, "don't": MEMO, "c++": MEMO, "Putin-Ära": ERA}
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip


@dataclasses.dataclass
class Served:
    folder: Path
    base: str  # the datasette, http://127.0.0.1:PORT
    site: Site


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Two crawls of the news site and a wire source (the glacier story edited in between), then
    `newsarchive serve` on a free loopback port."""
    site = build_news_site(Site()).start()
    for extra in (MEMO, ERA):
        site.add(extra.path, article_page(extra, site.base))
    folder = tmp_path_factory.mktemp("reading")
    write_config(
        folder,
        [
            {"name": "daily", "feeds": [f"{site.base}/rss.xml", f"{site.base}/atom.xml"]},
            {"name": "wire", "urls": [site.base + MEMO.path, site.base + ERA.path]},
        ],
    )
    first = run_cli("crawl", cwd=folder)
    assert first.returncode == 0, first.stderr
    edited = dataclasses.replace(EDITED, paragraphs=[p.replace("forty glaciers", CORRECTION) for p in EDITED.paragraphs])
    site.add(EDITED.path, article_page(edited, site.base))
    again = run_cli("crawl", "--refresh", "--source", "daily", cwd=folder)
    assert again.returncode == 0, again.stderr

    log = folder / "serve.log"
    with serving(folder, log) as base:
        yield Served(folder, base, site)
    site.stop()
    assert "Traceback" not in log.read_text(), log.read_text()


@pytest.fixture(scope="module")
def browser(served: Served) -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """A browser tab that records console errors, failed page scripts and every host it asked."""

    def __init__(self, browser: object, served: Served, shots: Path):
        # A reader in Berlin: dates are shown in the reader's zone, not the archive's UTC.
        self.page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-US", timezone_id="Europe/Berlin")
        self.served, self.shots = served, shots
        self.errors: list[str] = []
        self.hosts: set[str] = set()
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("request", lambda request: self.hosts.add(urlsplit(request.url).netloc))

    def open(self, path: str, shot: str) -> object:
        response = self.page.goto(self.served.base + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        return self.checked(shot)

    def checked(self, shot: str) -> object:
        """The page as shown now: screenshot taken, no console error, nothing asked of another host."""
        self.page.wait_for_load_state()
        self.page.screenshot(path=str(self.shots / f"{shot}.png"), full_page=False)
        assert self.errors == [], (shot, self.errors)
        assert self.hosts <= {urlsplit(self.served.base).netloc}, (shot, self.hosts)
        return self.page


@pytest.fixture
def visit(browser: object, served: Served, tmp_path: Path) -> Iterator[Visit]:
    tab = Visit(browser, served, tmp_path)
    yield tab
    tab.page.close()


def row_path(url: str) -> str:
    """The article's row page: datasette's tilde-encoded primary key."""
    from datasette.utils import tilde_encode

    return f"/archive/articles/{tilde_encode(url)}"


def assert_marked(page: object) -> None:
    """Matched words are <mark> elements; no tag shows as text."""
    assert page.locator("mark").count() > 0
    assert "<mark>" not in page.inner_text("body") and "&lt;mark" not in page.content()


def save_for_docs(page: object, name: str) -> None:
    if os.environ.get("NEWSARCHIVE_DOCS_SCREENSHOTS"):
        (REPO / "docs" / "img").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(REPO / "docs" / "img" / f"{name}.png"))


# -- pages ---------------------------------------------------------------------------------


def test_home_page_links_tables_search_and_charts(visit):
    page = visit.open("/", "home")
    text = page.inner_text("body")
    assert "newsarchive" in text and "archive" in text
    for href in ("/archive/articles", "/archive/search", f"/-/dashboards/{DASHBOARD}"):
        assert page.locator(f'a[href="{href}"]').count() >= 1, href


@pytest.mark.parametrize("table", list(TABLES))
def test_every_table_answers_and_stays_readable(visit, table):
    page = visit.open(f"/archive/{table}", f"table-{table}")
    assert page.locator("table.rows-and-columns tbody tr").count() > 0
    # No row is taller than a few lines: long text is cut, not shown whole.
    heights = page.eval_on_selector_all("table.rows-and-columns tbody tr", "rows => rows.map(r => r.offsetHeight)")
    assert max(heights) < 200, heights


def test_articles_table_lists_articles_newest_first_with_facets(visit):
    page = visit.open("/archive/articles", "articles")
    titles = page.locator("table.article-list td.col-title a").all_inner_texts()
    assert titles[0] == ERA.title and MEMO.title in titles  # published 2026-11-28, the newest
    text = page.inner_text("body")
    assert EDITED.paragraphs[1][:60] not in text  # article text stays on the article's page
    facets = page.locator(".facet-info").all_inner_texts()
    for facet in ("source", "language", "authors", "tags", "published"):
        assert any(box.startswith(facet) for box in facets), (facet, facets)
    every = visit.open("/archive/articles?_wide=1", "articles-wide")
    assert every.locator('th[data-column="body_hash"]').count() == 1


def test_article_page_reads_as_an_article(visit, served):
    url = served.site.base + EDITED.path
    page = visit.open(row_path(url), "article")
    assert page.inner_text("h1") == EDITED.title
    assert "November 26, 2026 at 7:30 AM GMT+1" in page.inner_text(".reading-byline")  # 07:30+01:00, read in Berlin
    paragraphs = page.locator(".reading-text p").all_inner_texts()
    assert len(paragraphs) == len(EDITED.paragraphs) and CORRECTION in paragraphs[1]
    text = page.inner_text("article")
    for shown in ("Anna Keller, Tom Brandt", "daily", "Science", "Climate", "en", "Earlier versions (1)"):
        assert shown in text, shown
    assert page.locator(f'a[href="{url}"]').count() >= 1  # the original
    assert page.locator(".diff-removed").filter(has_text="forty glaciers").count() == 1
    assert page.locator(".diff-added").filter(has_text=CORRECTION).count() == 1
    more = page.locator(".reading-more").inner_text()
    assert "More from daily" in more and ARTICLES[2].title in more  # the port strike: same source, same day
    save_for_docs(page, "article")


@pytest.mark.parametrize(
    "box, path, results",
    [
        ("#_search", "/archive/articles", ".best-matches li a"),  # the table's search box
        ('input[name="q"]', "/archive/search", "table.rows-and-columns td.col-title a"),  # the search query
    ],
    ids=["table-search", "search-query"],
)
def test_search_boxes_find_typed_words_best_first(visit, box, path, results):
    page = visit.open(path, "empty-search")
    for number, (word, article) in enumerate(WORDS.items()):
        page.fill(box, word)  # typed into the box of the page shown, the results of the last word
        with page.expect_navigation():
            page.press(box, "Enter")
        visit.checked(f"typed-{number}")
        assert page.locator(results).first.inner_text() == article.title, word
        assert page.locator(results).first.get_attribute("href").startswith("/archive/articles/"), word  # its page
        assert_marked(page)


@pytest.mark.parametrize(
    "path, results",
    [("/archive/search?q=", "table.rows-and-columns td.col-title a"), ("/archive/articles?_search=", ".best-matches li a")],
)
def test_a_nul_or_a_byte_that_is_not_utf8_in_the_address_still_searches(visit, path, results):
    # %00 once ended the FTS5 query; %E9 alone is no UTF-8. Both answer with the page, the words still searched.
    for number, typed in enumerate(("e-mail%00", "caf%E9", "%00")):
        page = visit.open(path + typed, f"odd-bytes-{number}")
        assert "Search articles" in page.inner_text("body") or "One row per article URL" in page.inner_text("body")
        if typed == "e-mail%00":
            assert page.locator(results).first.inner_text() == MEMO.title


def test_article_text_is_shown_as_text_around_the_marks(visit):
    for path in ("/archive/articles?_search=leaked+draft", "/archive/search?q=leaked+draft"):
        page = visit.open(path, "markup-in-text")
        assert '"<b>answer within a week</b>"' in page.inner_text("body"), path
        assert page.locator("mark").count() >= 2 and page.locator("td b, .best-matches b").count() == 0, path


def test_fts_syntax_still_works_in_the_boxes(visit):
    page = visit.open("/archive/search?q=" + quote('"record share" OR strike'), "search-syntax")
    titles = set(page.locator("td.col-title").all_inner_texts())
    assert titles == {EDITED.title, ARTICLES[2].title}


@pytest.mark.parametrize("name", list(CANNED_QUERIES))
def test_every_canned_query_answers(visit, name):
    page = visit.open(f"/archive/{name}?q=glaciers", f"query-{name}")
    assert page.locator("table.rows-and-columns tbody tr").count() > 0, name


@pytest.mark.parametrize("chart", [None, *CHARTS])
def test_charts_are_drawn_in_the_browser(visit, chart):
    path = f"/-/dashboards/{DASHBOARD}" + (f"/{chart}" if chart else "")
    page = visit.open(path, f"chart-{chart or 'all'}")
    drawn = page.locator(".dashboard-card canvas, .dashboard-card svg.marks")
    drawn.first.wait_for(timeout=10_000)
    page.wait_for_load_state("networkidle")  # every chart's rows fetched and drawn
    visit.checked(f"chart-{chart or 'all'}-drawn")
    if chart is None:
        assert drawn.count() >= len(CHARTS)
        save_for_docs(page, "charts")


def test_no_link_a_reader_can_follow_answers_5xx(served):
    """Every kind of link on the home page, the database page and the pages they lead to (facets,
    sorts, hidden FTS tables, rows, exports): none answers a server error. Links that differ only
    in a filter's value (source=daily, source=wire) are one kind."""
    seen, frontier, failures = set(), ["/", "/archive"], []
    for _depth in range(3):
        found = []
        for path in frontier:
            parts = urlsplit(path)
            params = parse_qsl(parts.query, keep_blank_values=True)
            kind = (parts.path, tuple(sorted(f"{k}={v}" if k.startswith("_") else k for k, v in params)))
            if kind in seen:
                continue
            seen.add(kind)
            try:
                with urllib.request.urlopen(served.base + path, timeout=10) as response:
                    body = response.read().decode("utf-8", "replace")
            except urllib.error.HTTPError as error:
                if error.code >= 500:
                    failures.append((path, error.code))
                continue
            hrefs = re.findall(r'href="([^"#]+)', body)
            found += [html.unescape(href) for href in hrefs if href.startswith("/") and not href.startswith("//")]
        frontier = found
    assert len(seen) > 50 and failures == [], failures


# -- feeds and the command line -------------------------------------------------------------


def test_a_search_is_an_atom_feed(served):
    with urllib.request.urlopen(served.base + "/archive/articles.atom?_search=" + quote("U.S."), timeout=10) as response:
        assert response.headers["Content-Type"].startswith("application/atom+xml")
        feed = feedparser.parse(response.read())
    assert not feed.bozo, feed.bozo_exception
    assert [entry.link for entry in feed.entries] == [served.site.base + MEMO.path]
    assert feed.entries[0].title == MEMO.title and feed.entries[0].author == "Dana Whitfield"
    with urllib.request.urlopen(served.base + "/archive/crawls.atom", timeout=10) as response:
        crawls = feedparser.parse(response.read())
    assert not crawls.bozo and len(crawls.entries) == 3  # daily twice, wire once


@pytest.mark.parametrize("word", list(WORDS))
def test_search_command_takes_typed_words(served, word):
    result = invoke("search", word, "--json", cwd=served.folder)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert hits[0]["title"] == WORDS[word].title
    assert all(hit["score"] > 0 for hit in hits) and hits == sorted(hits, key=lambda hit: -hit["score"])
    for hit in hits:
        assert "<mark>" not in hit["snippet"] and "\n" not in hit["snippet"] and "\x02" not in hit["snippet"]
    human = invoke("search", word, cwd=served.folder)
    assert human.returncode == 0 and WORDS[word].title in human.stdout


def test_safe_defaults_loopback_read_only_time_limit(served):
    with urllib.request.urlopen(served.base + "/-/settings.json", timeout=10) as response:
        settings = json.load(response)
    assert settings["sql_time_limit_ms"] == 1000
    assert "running on http://127.0.0.1:" in (served.folder / "serve.log").read_text()
    delete = served.base + "/archive.json?sql=" + quote("DELETE FROM articles")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(delete, timeout=10)
    assert refused.value.code == 400
    with urllib.request.urlopen(served.base + "/archive/articles.json?_size=1", timeout=10) as response:
        assert json.load(response)["filtered_table_rows_count"] == len(ARTICLES) - 1 + 2  # daily's five, wire's two
