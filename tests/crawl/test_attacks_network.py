"""Attacks through the network, on loopback: Redis entries, DNS answers, private hosts,
canonical URLs and XML feeds an adversary controls (issue 21).

Names resolve through a scripted resolver (``tests/scripted_dns.py``), never real DNS.
"""

from __future__ import annotations

import json
import pickle
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.store import pack_body
from scraper.cli import EXIT_FAILED
from scraper.config import FrontierError, load_config
from scraper.crawl.safety import xml_problem
from scraper.distributed import wire
from scraper.distributed.frontier import Frontier
from spiders import SPIDERS
from tests.conftest import TEST_CRAWL, needs_redis, rows, run_cli, write_config
from tests.generated_site import build_generated_site, story, story_page
from tests.harness import Process, redis_server
from tests.newssite import Site


class PlantsAFile:
    """Unpickling this creates ``path``: the proof that code from Redis ran."""

    def __init__(self, path: Path):
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


def poison(client: redis.Redis, payload: bytes, round_: int) -> None:
    """Push the payload into every key of the frontier that holds entries, in every form
    our code reads: queued requests, leased ones (with and without a score), pages."""
    for key in client.scan_iter("newsarchive:*"):
        kind = client.type(key)
        name = key.decode()
        if name.startswith("newsarchive:dead-letter"):
            continue
        if kind == b"zset":
            client.zadd(key, {payload + b"%d" % round_: -1e9, f"evil-{round_}": 0})
        elif kind == b"list":
            client.lpush(key, payload)
        elif kind == b"set":
            client.sadd(key, payload)
        elif kind == b"hash":
            client.hset(key, f"evil-{round_}", payload)
            if name.startswith("newsarchive:inflight:"):
                # A leased request past its deadline, as the scripts write it ("score\ndata"), and one without a score.
                deadlines = name.replace(":inflight:", ":deadlines:")
                client.hset(key, mapping={f"evil-{round_}": b"0\n" + payload, f"evil-raw-{round_}": payload})
                client.zadd(deadlines, {f"evil-{round_}": 0, f"evil-raw-{round_}": 0})


@needs_redis
def test_pickles_pushed_into_every_frontier_key_run_no_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    site = Site()
    urls = build_generated_site(site, 150)
    site.start()
    marker = tmp_path / "pwned"
    payload = pickle.dumps(PlantsAFile(marker))
    monkeypatch.setenv("NEWSARCHIVE_REDIS_PASSWORD", "s3cret-frontier")  # requirepass: the URL carries none
    processes: list[Process] = []
    try:
        with redis_server(tmp_path, password="s3cret-frontier") as server:
            client = server.client()
            data = {
                "archive": "archive.db",
                "frontier": server.url,
                "frontier_timeout": "5s",
                "crawl": {**TEST_CRAWL, "per_site_concurrency": 2},
                "sources": [{"name": "gazette", "sitemaps": [f"{site.base}/sitemap.xml"]}],
            }
            (tmp_path / "config.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
            # Planted before anyone starts: the keys every process reads first.
            for key in ("requests:gazette:sitemaps", "items", "items:processing"):
                client.lpush("newsarchive:" + key, payload) if key.startswith("items") else client.zadd(
                    "newsarchive:" + key, {payload: -1e9}
                )
            processes.append(Process(tmp_path, "writer", "writer", "--config", "config.yaml", "-v"))
            crawl = Process(tmp_path, "crawl", "crawl", "--config", "config.yaml")
            processes.append(crawl)
            # And during the crawl, into whatever keys exist, until it has archived half the site.
            for round_ in range(200):
                poison(client, payload, round_)
                if archived(tmp_path) >= 75 or crawl.popen.poll() is not None:
                    break
                time.sleep(0.1)
            # It ends, reporting the run partial: it met entries it would not read.
            assert crawl.popen.wait(120) == EXIT_FAILED, crawl.log
            assert not marker.exists(), "code from Redis ran"
            assert {row["url"] for row in rows(tmp_path / "archive.db", "SELECT url FROM articles")} == set(urls)
            moved = Frontier(server.url).dead_letters()
            assert moved.get("requests", 0) >= 2 and moved.get("items", 0) >= 2 and moved.get("inflight", 0) >= 1, moved
            (crawl_row,) = rows(tmp_path / "archive.db", "SELECT * FROM crawls")
            assert crawl_row["status"] == "partial" and crawl_row["new"] == len(urls)
            assert json.loads(crawl_row["error_kinds"]).get("bad_frontier_entry", 0) >= 1, crawl_row
            writer = processes[0]
            assert writer.stop() == 0, writer.log
            for process in processes:
                assert "Traceback" not in process.log, process.log
            assert "moved aside" in crawl.log + writer.log
    finally:
        for process in processes:
            if process.popen.poll() is None:
                process.kill()
        site.stop()


def archived(folder: Path) -> int:
    try:
        return rows(folder / "archive.db", "SELECT count(*) AS n FROM articles")[0]["n"]
    except Exception:  # not created yet
        return 0


def test_a_queued_request_names_only_a_spiders_callbacks(tmp_path: Path):
    config = load_config(write_config(tmp_path, [{"name": "gazette", "feeds": ["http://127.0.0.1:9/feed.xml"]}]))
    spider = SPIDERS["feeds"](sources=config.sources, config=config)
    listing = spider.listing_request("gazette", "http://127.0.0.1:9/feed.xml", "feed", spider.parse_feed)
    fields = listing.to_dict(spider=spider)
    again = wire.request_of(wire.dumps(fields), spider)
    assert (again.url, again.callback, again.errback, again.cb_kwargs, again.meta) == (
        listing.url,
        spider.parse_listing,
        spider.on_error,
        {"parse": "parse_feed"},
        listing.meta,
    )
    refused = {
        "a pickle": pickle.dumps(fields),
        "a class": wire.dumps({**fields, "_class": "subprocess.Popen"}),
        "another method": wire.dumps({**fields, "callback": "close"}),
        "another method by argument": wire.dumps({**fields, "cb_kwargs": {"parse": "start"}}),
        "a later version": b"NA\x02" + wire.dumps(fields)[3:],
        "an extension type": wire.MAGIC + b"\xd4\x05\x00",
        "no URL": wire.dumps({**fields, "url": None}),
    }
    for what, entry in refused.items():
        with pytest.raises(wire.BadEntry):
            wire.request_of(entry, spider)
            pytest.fail(f"{what} was taken for a request")


def test_a_queued_request_cannot_choose_how_it_connects(tmp_path: Path):
    # A proxy at the cloud metadata address, a slot of its own, no time or size limit, robots aside:
    # Scrapy would obey each from a request's meta. From the queue, none of them comes through.
    config = load_config(write_config(tmp_path, [{"name": "gazette", "feeds": ["http://127.0.0.1:9/feed.xml"]}]))
    spider = SPIDERS["feeds"](sources=config.sources, config=config)
    listing = spider.listing_request("gazette", "http://127.0.0.1:9/feed.xml", "feed", spider.parse_feed)
    fields = listing.to_dict(spider=spider)
    chosen = {"proxy": "http://169.254.169.254:80", "_auth_proxy": "http://169.254.169.254:80", "download_slot": "mine-alone",
              "download_timeout": 1e9, "download_maxsize": 0, "max_retry_times": 10**6, "bindaddress": ("10.0.0.1", 0),
              "handle_httpstatus_all": True}  # fmt: skip
    again = wire.request_of(wire.dumps({**fields, "meta": {**fields["meta"], **chosen}}), spider)
    assert again.meta == listing.meta
    # Where a queued request's meta is no map of names, or an encoding is unknown: refused, not run.
    for odd in ({"encoding": ""}, {"encoding": "no-such-codec"}, {"priority": "high"}, {"body": {"a": 1}}):
        with pytest.raises(wire.BadEntry):
            wire.request_of(wire.dumps({**fields, **odd}), spider)


SCALARS = st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.floats() | st.text(max_size=10) | st.binary(max_size=10)
VALUES = st.recursive(
    SCALARS | st.sampled_from(["parse_feed", "on_error", "parse_listing", "GET", "utf-8", "bogus", "http://[::1]x/"]),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8) | st.sampled_from(["proxy", "download_slot", "source", "kind", "hints"]), children, max_size=4),
    max_leaves=12,
)
REQUEST_KEYS = ["url", "callback", "errback", "method", "headers", "body", "cookies", "meta", "encoding", "priority", "dont_filter",
                "flags", "cb_kwargs", "_class", "attributes"]  # fmt: skip
PAGE_KEYS = ["url", "source", "kind", "status", "crawl_id", "error", "headers", "article", "body", "counts", "redirected_from",
             "fetched_url", "why_not_article"]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(
    request=st.dictionaries(st.sampled_from(REQUEST_KEYS), VALUES, max_size=8),
    page=st.tuples(st.sampled_from(["page", "finish", "exec"]), SCALARS, st.dictionaries(st.sampled_from(PAGE_KEYS), VALUES, max_size=8)),
)
def test_any_entry_in_redis_is_a_request_or_page_or_refused(tmp_path_factory: pytest.TempPathFactory, request: dict, page: tuple):
    # Whatever an adversary writes with msgpack under the version marker: BadEntry, never another exception.
    spider = _feed_spider(tmp_path_factory)
    try:
        wire.request_of(wire.dumps({"url": "http://127.0.0.1:9/a.html", **request}), spider)
    except wire.BadEntry:
        pass
    try:
        wire.page_of(wire.dumps(list(page)))
    except wire.BadEntry:
        pass


_SPIDERS: dict[str, object] = {}


def _feed_spider(tmp_path_factory: pytest.TempPathFactory) -> object:
    if "feeds" not in _SPIDERS:
        folder = tmp_path_factory.mktemp("wire")
        config = load_config(write_config(folder, [{"name": "gazette", "feeds": ["http://127.0.0.1:9/feed.xml"]}]))
        _SPIDERS["feeds"] = SPIDERS["feeds"](sources=config.sources, config=config)
    return _SPIDERS["feeds"]


def test_a_queued_page_is_data_of_the_shape_of_a_page():
    body = pack_body(b"<html><body><p>Hello</p></body></html>")
    page = {"url": "http://127.0.0.1:9/a.html", "source": "gazette", "kind": "article", "status": 200,
            "headers": {"Content-Type": "text/html"}, "body": body, "article": {"title": "Hello", "authors": ["A. B."]}}  # fmt: skip
    entry = wire.page_of(wire.page_entry("page", "run1", page))
    assert (entry.kind, entry.run, entry.fields) == ("page", "run1", page)
    page = {**page, "body": b"raw bytes, not packed yet"}
    assert wire.page_of(wire.page_entry("page", None, page)).fields == page
    refused = [
        pickle.dumps(("page", "run1", page)),
        wire.dumps(["page", "run1", {**page, "crawl_id": "1; DROP TABLE"}]),
        wire.dumps(["page", "run1", {**page, "surprise": 1}]),
        wire.dumps(["page", "run1", {**page, "body": {"hash": "x", "size": 1, "data": b"", "codec": "pickle"}}]),
        wire.dumps(["page", "run1", {**page, "article": {"title": {"nested": "map"}}}]),
        wire.dumps(["exec", "run1", page]),
        wire.dumps(["finish", "run1", {"source": "gazette"}]),
        wire.dumps(["finish", "run1", {"source": "gazette", "counts": {"pages": "many"}}]),
        wire.MAGIC + b"\x91" * 100_000,  # nested 100,000 deep
    ]
    for entry in refused:
        with pytest.raises(wire.BadEntry):
            wire.page_of(entry)


@needs_redis
def test_redis_credentials_come_from_the_environment_and_stay_out_of_messages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    with redis_server(tmp_path, password="s3cret-frontier") as server:
        monkeypatch.delenv("NEWSARCHIVE_REDIS_PASSWORD", raising=False)
        with pytest.raises(FrontierError, match="Authentication required"):
            Frontier(server.url).check()
        wrong = server.url.replace("redis://", "redis://:not-the-password@")
        with pytest.raises(FrontierError) as refused:
            Frontier(wrong).check()
        assert "not-the-password" not in str(refused.value) and ":***@" in str(refused.value)
        monkeypatch.setenv("NEWSARCHIVE_REDIS_PASSWORD", "s3cret-frontier")
        Frontier(server.url).check()


# -- DNS, private hosts ----------------------------------------------------------------


def rss(links: list[str]) -> str:
    items = "".join(f"<item><title>Story {n}</title><link>{link}</link></item>" for n, link in enumerate(links))
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'


def crawl_with_dns(folder: Path, sources: list[dict], script: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch, cache: bool = True):
    """`newsarchive crawl` whose names resolve by the script (tests/scripted_dns.py), never real DNS."""
    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "tests.scripted_dns")
    monkeypatch.setenv("NEWSARCHIVE_TEST_DNS", json.dumps(script))
    monkeypatch.setenv("NEWSARCHIVE_TEST_DNS_CACHE", "1" if cache else "0")
    write_config(folder, sources)
    return run_cli("crawl", "--config", "config.yaml", cwd=folder)


def error_kinds(folder: Path) -> Counter[str]:
    kinds: Counter[str] = Counter()
    for row in rows(folder / "archive.db", "SELECT error_kinds FROM crawls"):
        kinds.update(json.loads(row["error_kinds"] or "{}"))
    return kinds


@pytest.fixture
def internal() -> Iterator[Site]:
    """A host of the machine's own network (127.0.0.2), with pages no crawl may archive."""
    site = Site(host="127.0.0.2")
    for path in ("/secret.html", "/robots.txt", *(f"/secret-{n}.html" for n in range(6))):
        site.add(path, story_page(99, site.base))
    site.start()
    yield site
    site.stop()


def test_a_name_that_fails_twice_then_answers_an_internal_address_is_never_fetched(tmp_path, make_site, internal, monkeypatch):
    site = make_site()
    build_generated_site(site, 2)
    port = internal.server.server_port
    links = [f"http://flaky.test:{port}/secret-{n}.html" for n in range(6)] + [f"{site.base}/news/0.html"]
    site.add("/feed.xml", rss(links), "application/rss+xml")
    result = crawl_with_dns(
        tmp_path, [{"name": "gazette", "feeds": [f"{site.base}/feed.xml"]}], {"flaky.test": ["fail", "fail", "127.0.0.2"]}, monkeypatch
    )
    assert not internal.requests, internal.requests  # neither a page nor its robots.txt
    assert "Traceback" not in result.stdout + result.stderr
    kinds = error_kinds(tmp_path)
    assert kinds["dns"] == 2 and kinds["blocked_address"] == 4, kinds  # refused while failing, then refused for its answer
    assert [row["url"] for row in rows(tmp_path / "archive.db", "SELECT url FROM articles")] == [f"{site.base}/news/0.html"]
    flaky = rows(tmp_path / "archive.db", "SELECT error FROM pages WHERE url LIKE 'http://flaky.test%'")
    assert sorted(row["error"] for row in flaky) == ["blocked_address"] * 4 + ["dns"] * 2  # recorded as faults: tried again next crawl


def test_a_name_rebound_to_an_internal_address_after_the_check_is_not_connected_to(tmp_path, make_site, internal, monkeypatch):
    # No DNS cache: the download asks again after the check, and gets another answer (DNS rebinding).
    site = make_site()
    build_generated_site(site, 1)
    port = internal.server.server_port
    site.add("/feed.xml", rss([f"http://rebind.test:{port}/secret.html", f"{site.base}/news/0.html"]), "application/rss+xml")
    public = "93.184.216.34"  # a public address: the check lets it through
    crawl_with_dns(
        tmp_path,
        [{"name": "gazette", "feeds": [f"{site.base}/feed.xml"]}],
        {"rebind.test": [public, public, "127.0.0.2"]},  # the page's check, its robots.txt's check, then the connection
        monkeypatch,
        cache=False,
    )
    assert not internal.requests, internal.requests
    assert rows(tmp_path / "archive.db", "SELECT count(*) AS n FROM articles")[0]["n"] == 1


def test_private_allowances_are_exact_origins_of_their_own_source(tmp_path, monkeypatch):
    intranet = Site(host="127.0.0.5")
    other_port = Site(host="127.0.0.5")  # the same private host, a port no source is configured on
    other_source = Site(host="127.0.0.6")  # another source's private host
    sites = [intranet, other_port, other_source]
    for site in sites:
        build_generated_site(site, 2)
        site.start()
    try:
        links = [f"{intranet.base}/news/0.html", f"{other_port.base}/news/0.html", f"{other_source.base}/news/1.html"]
        intranet.add("/feed.xml", rss(links), "application/rss+xml")
        other_source.add("/feed.xml", rss([f"{other_source.base}/news/0.html"]), "application/rss+xml")
        crawl_with_dns(
            tmp_path,
            [
                {"name": "intranet", "feeds": [f"{intranet.base}/feed.xml"]},
                {"name": "other", "feeds": [f"{other_source.base}/feed.xml"]},
            ],
            {},
            monkeypatch,
        )
        assert not other_port.requests, other_port.requests
        assert other_source.hits("/news/1.html") == 0  # only its own source's link was followed
        archived = {row["url"] for row in rows(tmp_path / "archive.db", "SELECT url FROM articles")}
        assert archived == {f"{intranet.base}/news/0.html", f"{other_source.base}/news/0.html"}
        assert error_kinds(tmp_path)["blocked_address"] == 2
    finally:
        for site in sites:
            site.stop()


# -- canonical URLs --------------------------------------------------------------------


def test_a_page_cannot_replace_another_sources_article_through_its_canonical_url(tmp_path, make_site, monkeypatch):
    victim, attacker = make_site(), make_site()  # one host, two ports
    build_generated_site(victim, 1)
    victim_url = f"{victim.base}/news/0.html"
    victim.add("/feed.xml", rss([victim_url]), "application/rss+xml")
    victim.add("/more.xml", rss([f"{victim.base}/copy.html"]), "application/rss+xml")
    # Story 5's words, declaring the victim's article as its canonical: on another port, and on the victim's own origin.
    forged = story_page(5, victim.base).replace(f"{victim.base}/news/5.html", victim_url)
    attacker.add("/copy.html", forged)
    victim.add("/copy.html", forged)
    attacker.add("/feed.xml", rss([f"{attacker.base}/copy.html"]), "application/rss+xml")
    sources = [
        {"name": "victim", "feeds": [f"{victim.base}/feed.xml"]},
        {"name": "attacker", "feeds": [f"{attacker.base}/feed.xml"]},
        {"name": "neighbour", "feeds": [f"{victim.base}/more.xml"]},  # another source on the victim's origin
    ]
    write_config(tmp_path, sources)
    assert run_cli("crawl", "-s", "victim", "--config", "config.yaml", cwd=tmp_path).returncode == 0
    assert run_cli("crawl", "-s", "attacker", "-s", "neighbour", "--config", "config.yaml", cwd=tmp_path).returncode == 0
    articles = {row["url"]: row for row in rows(tmp_path / "archive.db", "SELECT url, source, title FROM articles")}
    assert articles[victim_url]["source"] == "victim" and articles[victim_url]["title"] == story(0)[0]
    assert articles[f"{attacker.base}/copy.html"]["title"] == story(5)[0]  # stored under its own URL
    assert articles[f"{victim.base}/copy.html"]["source"] == "neighbour"
    assert not rows(tmp_path / "archive.db", "SELECT * FROM revisions")
    assert error_kinds(tmp_path)["canonical_of_other_source"] == 1  # the neighbour's; the other port is simply another site


# -- XML ----------------------------------------------------------------------------------


BOMB = (
    '<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE rss [<!ENTITY a "{filler}">'
    + "".join(f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(8))
    + ']><rss version="2.0"><channel><title>&i;</title></channel></rss>'
).replace("{filler}", "x" * 100)


@pytest.mark.parametrize(
    "encoded",
    [
        BOMB.format(encoding="UTF-16").encode("utf-16"),  # with a BOM
        BOMB.format(encoding="UTF-16").encode("utf-16-le"),  # without
        BOMB.format(encoding="UTF-32").encode("utf-32"),
        BOMB.format(encoding="cp037").encode("cp037"),  # EBCDIC
        b"\x0c" + BOMB.format(encoding="UTF-8").encode(),
        b"\x0b" + BOMB.format(encoding="UTF-8").encode(),
        "\u00a0".encode("latin-1") + BOMB.format(encoding="ISO-8859-1").encode("latin-1"),
        "\u00a0".encode() + BOMB.format(encoding="UTF-8").encode(),
    ],
    ids=["utf-16-bom", "utf-16-le", "utf-32-bom", "ebcdic", "form-feed", "vertical-tab", "nbsp-latin1", "nbsp-utf8"],
)
def test_entity_bombs_are_refused_whatever_their_encoding(encoded: bytes):
    started = time.monotonic()
    assert xml_problem(encoded) == "xml_entities"
    assert time.monotonic() - started < 0.5  # decided on the text, nothing expanded


def test_a_utf16_entity_bomb_feed_is_refused_unread(tmp_path, make_site, monkeypatch):
    site = make_site()
    build_generated_site(site, 1)
    bomb = BOMB.format(encoding="UTF-16").replace(
        "<title>&i;</title>", f"<title>&i;</title><item><link>{site.base}/news/0.html</link></item>"
    )
    site.add("/feed.xml", bomb.encode("utf-16"), "application/rss+xml")
    result = crawl_with_dns(tmp_path, [{"name": "gazette", "feeds": [f"{site.base}/feed.xml"]}], {}, monkeypatch)
    assert "Traceback" not in result.stdout + result.stderr
    assert error_kinds(tmp_path)["xml_entities"] == 1
    assert site.hits("/news/0.html") == 0  # the feed was not read at all
