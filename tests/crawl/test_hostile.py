"""`newsarchive crawl` against the hostile web of tests/hostile.py: nothing good lost, every fault counted."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.store import unpack_body
from scraper.crawl.safety import is_public, looks_binary, xml_problem
from scraper.extract.charset import decode_html, html_encoding
from tests.conftest import rows, run_cli, write_config
from tests.hostile import BAD_LINKS, ENCODED, ENGLISH, FAULTS, JPEG, PDF, HostileWeb, billion_laughs

DEPTH = 3
MAX_ENTRIES = 40


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, HostileWeb, object, float]]:
    web = HostileWeb().start()
    folder = tmp_path_factory.mktemp("hostile")
    write_config(folder, web.sources(depth=DEPTH), timeout=3, retries=1, max_entries=MAX_ENTRIES)
    started = time.monotonic()
    result = run_cli("crawl", cwd=folder, timeout=180)
    yield folder / "archive.db", web, result, time.monotonic() - started
    web.stop()


def test_every_good_article_is_archived(crawled):
    db, web, result, _ = crawled
    assert result.returncode == 1, result.stderr  # faults happened; the work still ran
    stored = {row["url"]: row for row in rows(db, "SELECT * FROM articles")}
    for article in web.good:
        row = stored.get(web.main.base + article.path)
        assert row, f"{article.path} not archived\n{result.stderr}"
        assert row["title"] == article.title


def test_a_meta_refresh_is_followed_to_the_article(crawled):
    db, web, _, _ = crawled
    moved = rows(db, "SELECT outcome, headers FROM pages WHERE url = ?", (web.main.base + "/moved/museum.html",))
    assert [row["outcome"] for row in moved] == ["redirect"]
    assert json.loads(moved[0]["headers"]) == {"Location": web.main.base + ENGLISH[10].path}


@pytest.mark.parametrize("page", ENCODED, ids=lambda page: page.article.path.rsplit("/", 1)[-1])
def test_text_in_legacy_encodings_is_decoded(crawled, page):
    db, web, _, _ = crawled
    row = rows(db, "SELECT title, text FROM articles WHERE url = ?", (web.main.base + page.article.path,))[0]
    assert row["title"] == page.article.title
    for paragraph in page.article.paragraphs:
        assert paragraph in row["text"]


def test_every_fault_is_counted_by_kind(crawled):
    db, web, result, _ = crawled
    runs = {row["source"]: json.loads(row["error_kinds"]) for row in rows(db, "SELECT * FROM crawls")}
    pages = {row["url"]: row for row in rows(db, "SELECT url, outcome, error FROM pages")}
    faults = dict(FAULTS)
    # 20 MB of an unannounced 60 MB page must arrive within `timeout` to meet the size limit
    # first; on a loaded machine the time limit may come first. Either bounds it.
    faults["/fault/huge-unsized"] = pages[web.main.base + "/fault/huge-unsized"]["error"]
    assert faults["/fault/huge-unsized"] in ("too_large", "timeout")
    expected = Counter(faults.values())
    expected["blocked_address"] += 3  # the feed's own links to 127.0.0.2 (twice) and 169.254.169.254
    expected.update(malformed_xml=2, xml_entities=2, too_many_entries=1, bad_url=len(BAD_LINKS))
    assert runs["hostile"] == dict(expected)
    assert runs["robots-timeout"] == {"timeout": 1}
    assert runs["robots-500"] == {"robots_txt_http_500": 1}
    assert runs["robots-moved"] == {"robots_txt_http_503": 1}  # counted for the site it was moved from
    for path, kind in faults.items():
        if not path.startswith("/redirect/"):  # a redirect's fault is recorded at its last URL
            assert pages[web.main.base + path]["error"] == kind, path
    assert "xml_entities" in result.stdout and "robots-timeout: errors: timeout x1" in result.stdout


def test_each_fault_is_logged_once_in_one_line(crawled):
    _, web, result, _ = crawled
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    for path in [p for p in FAULTS if not p.startswith("/redirect/")] + ["/feed-bomb.xml", "/sitemap-bomb.xml"]:
        url = web.main.base + path
        assert sum(url in line.split() for line in lines) == 1, path
    assert sum("/fault/" in line for line in lines) == sum(1 for p in FAULTS if p.startswith("/fault/"))
    assert sum("robots.txt" in line for line in lines) == 3
    for link in BAD_LINKS:  # the feed's links no request can be made of: one line each
        assert sum(f"{link} listed, not a URL that can be requested" in line for line in lines) == 1, link


def test_nothing_internal_local_or_off_the_web_is_fetched(crawled):
    db, web, _, _ = crawled
    assert web.internal.hits == []  # 127.0.0.2: no source's configured host, though loopback too
    blocked = {row["url"] for row in rows(db, "SELECT url FROM pages WHERE error = 'blocked_address'")}
    assert {url.split("?")[0] for url in blocked} >= {
        web.internal.base + "/internal.html",
        "http://169.254.169.254/latest/meta-data/",
    }
    texts = " ".join(row["text"] for row in rows(db, "SELECT text FROM articles"))
    bodies = b" ".join(unpack_body(row["body"], row["codec"]) for row in rows(db, "SELECT body, codec FROM bodies"))
    assert "internal secret" not in texts and b"internal secret" not in bodies
    assert b"root:x:0:0" not in bodies and "root:x:0:0" not in texts  # /etc/passwd
    assert not rows(db, "SELECT url FROM pages WHERE url LIKE 'file:%' OR url LIKE 'ftp:%'")


def test_entity_bombs_are_refused_unexpanded(crawled):
    db, web, _, _ = crawled
    for path in ("/feed-bomb.xml", "/sitemap-bomb.xml"):
        page = rows(db, "SELECT outcome, error, body_hash FROM pages WHERE url = ?", (web.main.base + path,))[0]
        assert (page["outcome"], page["error"], page["body_hash"]) == ("error", "xml_entities", None)
    assert not rows(db, "SELECT url FROM articles WHERE text LIKE '%lollol%' OR title LIKE '%lollol%'")
    assert not rows(db, "SELECT url FROM pages WHERE url LIKE '%lollol%'")


def test_endless_links_and_huge_listings_are_bounded(crawled):
    _, web, _, _ = crawled
    calendar = web.main.count("/calendar/")
    assert 1 + 4 < calendar <= sum(4**level for level in range(DEPTH + 1))  # followed, up to depth
    assert web.main.count("/many/") <= MAX_ENTRIES  # of the sitemap's 50,000


def test_a_failed_robots_txt_forbids_its_site_in_bounded_time(crawled):
    db, web, result, elapsed = crawled
    # A robots.txt that answers 5xx (also after a redirect) or never answers (after timeout x
    # (retries + 1)) means "disallow everything" (RFC 9309, 2.3.1.4): no page is fetched this time.
    # The pages fail for that reason; "robots.txt forbade" is kept for a robots.txt that forbids.
    broken = (
        ("robots-timeout", web.robots_timeout, "timeout"),
        ("robots-500", web.robots_500, "robots_txt_http_500"),
        ("robots-moved", web.robots_moved, "robots_txt_http_503"),
    )
    for source, server, kind in broken:
        run = rows(db, "SELECT new, robots_blocked, status FROM crawls WHERE source = ?", (source,))[0]
        assert (run["new"], run["robots_blocked"], run["status"]) == (0, 0, "failed")
        assert server.count("/story.html") == 0
        page = rows(db, "SELECT outcome, error FROM pages WHERE url = ?", (server.base + "/story.html",))
        assert page == [{"outcome": "error", "error": kind}]
        assert f"{source}: robots.txt forbade" not in result.stdout
    assert elapsed < 120


# -- the guards on their own -------------------------------------------------------------


@pytest.mark.parametrize("page", ENCODED, ids=lambda page: page.article.path.rsplit("/", 1)[-1])
@pytest.mark.parametrize("meta", [False, True])
def test_html_encoding_sees_through_missing_and_wrong_declarations(page, meta):
    page.meta = meta
    body = page.page("http://example.com")
    for header in (page.content_type, "text/html"):
        encoding = html_encoding(body, header)
        assert all(paragraph in body.decode(encoding) for paragraph in page.article.paragraphs), (header, encoding)
        # What extraction reads: the same text, found by the same rules.
        assert all(paragraph in decode_html(body, header) for paragraph in page.article.paragraphs), header


def test_html_encoding_trusts_utf8_and_boms():
    text = "Grüße aus Köln — 東京"
    assert html_encoding(text.encode("utf-8"), "text/html; charset=iso-8859-1") == "utf-8"
    assert html_encoding(b"\xef\xbb\xbf" + text.encode("utf-8"), "text/html; charset=shift_jis") == "utf-8"
    assert html_encoding(b"<html>plain ascii</html>", "text/html") is None


def test_decode_html_strips_boms_and_repairs_bad_bytes():
    text = "Grüße aus Köln — 東京"
    assert decode_html(b"\xef\xbb\xbf" + text.encode("utf-8"), "text/html; charset=shift_jis") == text
    assert decode_html(b"\xff\xfe" + text.encode("utf-16-le")) == text
    # UTF-8 cut off mid-character, as a page truncated at the size limit is: the rest survives.
    assert decode_html(text.encode("utf-8")[:-1]).startswith("Grüße aus Köln — 東")
    # A UTF-16 declaration on a body without a byte-order mark that is no UTF-16 (its decoder
    # refuses it with a bare UnicodeError): the body is decoded as what it is.
    assert decode_html("<p>Grüße</p>".encode("cp1252"), "text/html; charset=utf-16") == "<p>Grüße</p>"


def test_xml_problem_refuses_entities_without_expanding_them():
    started = time.monotonic()
    assert xml_problem(billion_laughs("rss", "<rss>&lol9;</rss>")) == "xml_entities"
    assert time.monotonic() - started < 0.5  # 10^9 "lol"s were never built
    assert xml_problem(b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>') == "xml_entities"
    assert xml_problem(b"<rss><channel><title>A & B</title></rss>") == "malformed_xml"
    assert xml_problem(b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>') is None
    assert xml_problem('<?xml version="1.0" encoding="gb2312"?><rss><title>新闻</title></rss>'.encode("gb2312")) is None
    gbk_bomb = billion_laughs("rss", "<rss>&lol9;</rss>").replace(b'version="1.0"', b'version="1.0" encoding="gbk"')
    assert xml_problem(gbk_bomb) == "xml_entities"


def test_binary_bodies_are_recognised():
    assert looks_binary(PDF) and looks_binary(JPEG)
    assert not looks_binary("<html>ok</html>".encode("utf-16"))
    assert not looks_binary(b"<!DOCTYPE html><html><body>fine</body></html>")


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.2", False),
        ("169.254.169.254", False),
        ("10.1.2.3", False),
        ("192.168.0.1", False),
        ("172.16.0.1", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("224.0.0.1", False),
    ],
)
def test_public_addresses(address, public):
    import ipaddress

    assert is_public(ipaddress.ip_address(address)) is public


# -- hostile strings in the archive's own queries ----------------------------------------
# (`search` and `export` filters get the same strings in tests/archive/test_archive_commands.py.)

HOSTILE_STRINGS = [
    "x' OR '1'='1",
    "'); DROP TABLE articles; --",
    'a" OR 1=1 --',
    "%' UNION SELECT url, text FROM articles --",
    "\x00nul",
    "?",
    ":url",
    "😀" * 100,
]


def test_archive_queries_take_hostile_strings_as_data(tmp_path: Path):
    from archive.store import Archive

    with Archive(tmp_path / "archive.db") as archive:
        crawl = archive.start_crawl(HOSTILE_STRINGS[1])
        for number, text in enumerate(HOSTILE_STRINGS):
            archive.record_page(
                url=f"http://example.com/{text}",
                source=text,
                kind="article",
                outcome="article",
                status=200,
                crawl_id=crawl,
                body=text.encode("utf-8"),
                headers={"Content-Type": text},
                article={"title": text, "text": f"{text} body {number}", "authors": [text], "tags": [text]},
            )
        urls = [f"http://example.com/{text}" for text in HOSTILE_STRINGS]
        assert archive.known_urls(urls + ["http://example.com/' OR 1=1 --"]) == set(urls)
        archive.finish_crawl(crawl, {"pages": 1, "error_kinds": {text: 1 for text in HOSTILE_STRINGS}})
    db = tmp_path / "archive.db"
    assert rows(db, "SELECT count(*) AS n FROM articles")[0]["n"] == len(HOSTILE_STRINGS)
    assert {row["title"] for row in rows(db, "SELECT title FROM articles")} == set(HOSTILE_STRINGS)
    assert rows(db, "PRAGMA integrity_check")[0]["integrity_check"] == "ok"
