"""The page tree: built cheaper than trafilatura's ``load_html``, but the same tree; the page read as shown (no invisible
characters, no-break spaces as spaces)."""

from __future__ import annotations

import lxml.etree
import lxml.html
import pytest
from trafilatura.utils import load_html

from bench.corpus import load_corpus
from scraper.extract.parsing import parse_html
from scraper.extract.text import as_shown
from tests.conftest import CORPUS

XHTML_DOCTYPE = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">'
)
AWKWARD_PAGES = {
    "control characters": "<html><body><p>Bell\x07 and form\x0cfeed, not\ufffe XML</p></body></html>",
    "XML declaration": "<?xml version='1.0' encoding='utf-8'?><html><body><p>Declared</p></body></html>",
    "XHTML doctype": f"{XHTML_DOCTYPE}\n<html><body><p>Strict</p></body></html>",
    "self-closed html": '<html lang="en" />\n<body><p>Closed early</p></body>',
    "byte order mark": "\ufeff<html><body><p>Marked</p></body></html>",
    "no html tag": "<div><p>one</p><p>two</p></div>",
    "a fragment": "<p>only this</p>",
    "plain text": "hello",
}


def _markup(tree: lxml.html.HtmlElement | None) -> bytes | None:
    return None if tree is None else lxml.etree.tostring(tree)


@pytest.mark.parametrize("text", AWKWARD_PAGES.values(), ids=AWKWARD_PAGES.keys())
def test_awkward_pages_give_trafilaturas_tree(text: str) -> None:
    assert _markup(parse_html(text)) == _markup(load_html(text))


def test_characters_xml_forbids_are_dropped() -> None:
    tree = parse_html(AWKWARD_PAGES["control characters"])
    assert tree.findtext(".//p") == "Bell and formfeed, not XML"


def test_a_lone_surrogate_does_not_cut_the_text_short() -> None:
    # Where lxml, given a string, ends the paragraph at the surrogate ("half ").
    tree = parse_html("<html><body><p>half \ud800 a pair</p></body></html>")
    assert tree.findtext(".//p").endswith(" a pair")


@pytest.mark.parametrize("text", ["", "  \n "])
def test_blank_text_is_no_page(text: str) -> None:
    assert parse_html(text) is None


@pytest.mark.skipif(not CORPUS.exists(), reason=f"the shared corpus is not at {CORPUS} (a fresh clone has none)")
def test_corpus_pages_give_trafilaturas_tree() -> None:
    pages = load_corpus(CORPUS)
    differing = [page.name for page in pages if _markup(parse_html(page.html)) != _markup(load_html(page.html))]
    assert len(pages) > 900
    assert differing == []


def test_every_element_is_an_html_element() -> None:
    # The parser gives every element lxml.html's element class without asking Python for each
    # one (forms and inputs included), so extractors and voters find its methods everywhere.
    page = "<html><body><form><label>Name</label><input name='q'><select><option>A</option></select></form><p>Text</p></body></html>"
    tree = parse_html(page)
    assert all(isinstance(element, lxml.html.HtmlElement) for element in tree.iter(lxml.etree.Element))
    form = tree.find(".//form")
    assert form.text_content() == "NameA"
    form.drop_tree()
    assert tree.text_content() == "Text"


@pytest.mark.parametrize(
    ("html", "shown"),
    [
        ("Bundes&shy;regierung Bundes\u00adregierung Stunden&#173;takt Fähr&#xAD;e", "Bundesregierung Bundesregierung Stundentakt Fähre"),
        ("zero&ZeroWidthSpace;width zero\u200bwidth word&NoBreak;joiner \ufeffmark", "zerowidth zerowidth wordjoiner mark"),
        ("By&nbsp;Ann\u00a0Able 10&#8239;000 12&#160;km", "By Ann Able 10 000 12 km"),
        ("&amp;nbsp; stays, a joiner too: \u0915\u094d\u200d\u0937", "&amp;nbsp; stays, a joiner too: \u0915\u094d\u200d\u0937"),
    ],
)
def test_a_page_is_read_as_shown_without_invisible_characters_and_with_plain_spaces(html: str, shown: str) -> None:
    assert as_shown(html) == shown
