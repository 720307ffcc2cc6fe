"""Golden pages: one small hand-written page per extraction rule, expected fields beside it.

Each ``tests/extract/golden/<name>.html`` has a ``<name>.json`` holding the page's URL and the
fields ``extract`` must return: exact ``title``, ``authors``, ``published``,
``language``, ``sitename`` where given, snippets the text (or the comments) must
or must not contain, and the words the text must open with. A separate test measures the shared corpus when it is present.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scraper.extract import Article, extract
from tests.conftest import CORPUS

GOLDEN = Path(__file__).parent / "golden"
PAGES = sorted(GOLDEN.glob("*.html"))
EXACT_FIELDS = ("title", "authors", "published", "language", "sitename")


def extracted(page: Path, html: str | None = None) -> tuple[Article, dict]:
    """What ``extract`` makes of a golden page (or of ``html``, the page set otherwise), and the fields its JSON expects."""
    expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    html = page.read_text(encoding="utf-8") if html is None else html
    return extract(html, expected["url"], hints=expected.get("hints")), expected


def assert_stated_fields(article: dict, expected: dict, casefold_authors: bool = False) -> None:
    """The exact fields the page's JSON states (authors compared case aside where the page was set in capitals)."""
    for field in EXACT_FIELDS:
        if field in expected:
            found, wanted = article[field], expected[field]
            if field == "authors" and casefold_authors:
                found, wanted = [name.casefold() for name in found], [name.casefold() for name in wanted]
            assert found == wanted, field


def assert_text_kept_and_furniture_dropped(article: dict, expected: dict, furniture: tuple[str, ...] = ()) -> None:
    """The text opens and holds what the JSON says, and none of its excluded snippets nor ``furniture``."""
    text = article["text"]
    assert text.startswith(expected.get("text_starts", ""))
    for snippet in expected.get("text_contains", []):
        assert snippet in text
    kept = [snippet for snippet in [*expected.get("text_excludes", []), *furniture] if snippet in text]
    assert not kept, f"furniture kept: {kept}"


def assert_comments_apart(article: dict, expected: dict, gathered: bool = True) -> None:
    """Comments never reach the text; where ``gathered`` (trafilatura gathers them only from <p>s) they are the comments."""
    for snippet in expected.get("comments_contains", []):
        if gathered:
            assert snippet in (article["comments"] or "")
        assert snippet not in article["text"]


@pytest.fixture(params=PAGES, ids=[page.stem for page in PAGES])
def golden(request: pytest.FixtureRequest) -> tuple[dict, dict]:
    page = request.param
    article, expected = extracted(page)
    assert article.is_article, f"{page.name}: no article extracted ({article.not_article})"
    return article.record(), expected


def test_every_page_has_its_expectations() -> None:
    assert PAGES, "no golden pages"
    for page in PAGES:
        assert page.with_suffix(".json").exists(), f"{page.name} has no expected fields"


def test_stated_fields(golden: tuple[dict, dict]) -> None:
    assert_stated_fields(*golden)


def test_text_keeps_the_article_and_drops_the_furniture(golden: tuple[dict, dict]) -> None:
    assert_text_kept_and_furniture_dropped(*golden)


def test_comments_are_kept_apart(golden: tuple[dict, dict]) -> None:
    assert_comments_apart(*golden)


def test_contract(golden: tuple[dict, dict]) -> None:
    article, _ = golden
    assert set(article) == {
        "canonical_url", "title", "authors", "published", "language", "description",
        "sitename", "tags", "image", "text", "comments", "extractor",
    }
    assert isinstance(article["authors"], list) and isinstance(article["tags"], list)
    assert article["extractor"].startswith("trafilatura ")
    assert "\n\n" in article["text"]  # paragraphs separated by blank lines


def test_fast_level_is_plain_trafilatura() -> None:
    page = GOLDEN / "jsonld_graph.html"
    article = extract(page.read_text(encoding="utf-8"), "https://gazette.example/ferry", level="fast")
    assert article.is_article and article.extractor.endswith("(fast)")


def test_hinted_date_picks_between_the_page_dates() -> None:
    page = """<html><head><meta property="og:type" content="article">
    <meta property="article:published_time" content="2024-02-01T10:00:00+00:00"></head><body><article>
    <h1>Two dates</h1><p>Lead <time datetime="2024-01-31T09:00:00+00:00">yesterday</time></p>
    <p>""" + "A sentence long enough to count as the body of this short test article. " * 5 + "</p></article></body></html>"
    article = extract(page, "https://x.example/a", hints={"published": "2024-01-31"})
    assert article.is_article and article.published == "2024-01-31T09:00:00+00:00"


@pytest.mark.parametrize("stated", ["3 marca 2099", "1950-03-03", "3 marca 1950", "4102444800"])
def test_a_date_no_news_page_can_state_is_dropped_however_it_is_written(stated: str) -> None:
    page = (
        f'<html><head><meta property="article:published_time" content="{stated}"></head><body><article>'
        "<h1>Dates</h1><p>"
        + "A sentence long enough to count as the body of this short test article. " * 5
        + "</p></article></body></html>"
    )
    assert extract(page, "https://x.example/2024/03/05/dates").published == "2024-03-05"


@pytest.mark.skipif(not CORPUS.exists(), reason=f"the shared corpus is not at {CORPUS} (a fresh clone has none)")
def test_corpus_sample_beats_plain_trafilatura() -> None:
    from bench.corpus import load_corpus
    from bench.quality import extract_all, score

    pages = load_corpus(CORPUS, limit=25)
    results = extract_all(pages, "best", jobs=1)
    ours = score(pages, [r["ours"] for r in results])
    plain = score(pages, [r["plain"] for r in results])
    assert ours["empty"] <= plain["empty"]
    assert ours["articles"]["f1"] >= plain["articles"]["f1"]
    for figure in ("title", "authors", "day"):
        assert ours["metadata"][figure] >= plain["metadata"][figure], figure
    assert ours["boilerplate"]["without_leaked"] <= plain["boilerplate"]["without_leaked"]


@pytest.mark.skipif(not CORPUS.exists(), reason=f"the shared corpus is not at {CORPUS} (a fresh clone has none)")
def test_pages_without_scripts_still_beat_plain_trafilatura() -> None:
    """Pages saved by a cleaning tool have no <script>, so no JSON-LD: bylines, dates and titles come from the HTML."""
    from bench.corpus import load_corpus
    from bench.quality import extract_all, score

    pages = load_corpus(CORPUS, ("metadata",), limit=30, scripts=False)
    assert not any("application/ld+json" in page.html for page in pages)
    results = extract_all(pages, "best", jobs=1)
    ours = score(pages, [r["ours"] for r in results])["metadata"]
    plain = score(pages, [r["plain"] for r in results])["metadata"]
    for figure in ("title", "authors", "day"):
        assert ours[figure] >= plain[figure], figure


@pytest.mark.skipif(not CORPUS.exists(), reason=f"the shared corpus is not at {CORPUS} (a fresh clone has none)")
def test_pages_without_scripts_or_meta_still_beat_plain_trafilatura() -> None:
    """Without <meta> either, no OpenGraph title or site name helps: <title> and the visible HTML are all there is."""
    from bench.corpus import load_corpus
    from bench.quality import extract_all, score

    pages = load_corpus(CORPUS, ("metadata",), limit=30, meta=False)
    assert not any("<meta" in page.html.lower() for page in pages)
    results = extract_all(pages, "best", jobs=1)
    ours = score(pages, [r["ours"] for r in results])["metadata"]
    plain = score(pages, [r["plain"] for r in results])["metadata"]
    for figure in ("title", "authors", "day"):
        assert ours[figure] >= plain[figure], figure


@pytest.mark.skipif(not CORPUS.exists(), reason=f"the shared corpus is not at {CORPUS} (a fresh clone has none)")
def test_a_replayed_page_reads_as_on_its_site() -> None:
    """A page served from a loopback replay (or a mirror), under an address that names neither its site nor its
    path, gives the fields it gives at its own address: the address the page states for itself stands in."""
    from bench.corpus import load_corpus

    pages = load_corpus(CORPUS, ("metadata",), limit=30, scripts=False)
    for number, page in enumerate(pages):
        at_home, replayed = extract(page.html, page.url), extract(page.html, f"http://127.0.0.1:8000/page/{number}")
        for field in ("title", "authors", "published", "text"):
            assert getattr(replayed, field) == getattr(at_home, field), (page.id, field)


def test_without_meta_keeps_everything_else() -> None:
    from bench.corpus import without_meta

    page = '<html><head><META property="og:title" content="x"/><meta charset=utf-8><title>T</title></head><body><p>Text</p></body></html>'
    assert without_meta(page) == "<html><head><title>T</title></head><body><p>Text</p></body></html>"


def test_without_scripts_keeps_everything_else() -> None:
    from bench.corpus import without_scripts

    page = '<html><head><SCRIPT type="application/ld+json">{"headline": "x"}</SCRIPT><title>T</title></head>' \
        '<body><p>Text</p><script>\nvar a = "</p>";\n</script ><p>More</p></body></html>'
    assert without_scripts(page) == "<html><head><title>T</title></head><body><p>Text</p><p>More</p></body></html>"


@pytest.mark.parametrize(
    ("options", "kept"),
    [
        ([], {"scripts": True, "meta": True}),
        (["--without-scripts"], {"scripts": False, "meta": True}),
        (["--without-meta"], {"scripts": False, "meta": False}),
    ],
)
def test_the_benches_stripping_options_say_what_each_page_keeps(options: list[str], kept: dict[str, bool]) -> None:
    import argparse

    from bench.corpus import add_stripping_options, stripping

    parser = argparse.ArgumentParser()
    add_stripping_options(parser)
    assert stripping(parser.parse_args(options)) == kept


def test_blank_lines_do_not_make_a_fallback_result_padded() -> None:
    from scraper.extract.body import looks_padded

    prose = "A paragraph of the article that the fallback extractor kept."
    assert not looks_padded("\n \n\t\n".join([prose] * 4))  # blank lines between paragraphs
    assert looks_padded("\n".join([prose, "https://cdn.example/a.js", "2024-01-02T10:00:00Z", "|| -- ||"]))
