"""Where the page's metadata module finds a name: the article's own places, or other stories'; bold lines of names."""

from __future__ import annotations

import lxml.html

from scraper.extract.metadata import bold_bylines, only_in_other_stories

PAGE = """<html><body><main><article>
<h1>Harbour wall to be rebuilt</h1>
<p>{byline}</p>
<p>The council voted to rebuild the old harbour wall.</p>
<a href="/news/ferry"><strong>Ferry fares rise in spring, the operator says</strong> <span>Olga Petrova</span></a>
<article class="card"><h2>Storms damage the seafront</h2><div>Von Emma Stone</div></article>
</article></main></body></html>"""


def page(byline: str = "") -> lxml.html.HtmlElement:
    return lxml.html.fromstring(PAGE.format(byline=byline))


def test_a_name_only_on_a_teaser_link_or_a_nested_article_is_another_storys() -> None:
    assert only_in_other_stories(page(), "Olga Petrova")
    assert only_in_other_stories(page(), "Emma Stone")


def test_a_name_the_article_shows_is_its_own_even_where_a_teaser_shows_it_too() -> None:
    assert not only_in_other_stories(page("By Olga Petrova"), "Olga Petrova")


def test_a_name_the_page_does_not_show_as_written_is_not_judged() -> None:
    assert not only_in_other_stories(page(), "Maria Lopez")


PROSE = "<p>" + "The council met on Tuesday and agreed to rebuild the harbour wall before the winter storms arrive. " * 2 + "</p>"


def bold_lines(body: str) -> list[str]:
    return bold_bylines(lxml.html.fromstring(f"<html><body><div>{body}</div></body></html>"), lambda element: False)


def test_a_bold_line_of_full_names_opening_or_closing_the_prose_is_a_byline() -> None:
    assert bold_lines(f"<p><b>Ana Silva &amp; Tom Berg</b></p>{PROSE * 3}") == ["Ana Silva & Tom Berg"]
    assert bold_lines(f"{PROSE * 3}<p style='text-align:right'><strong>Lê Phương</strong></p>") == ["Lê Phương"]


def test_bold_words_that_are_no_byline_stay_out() -> None:
    assert bold_lines(f"<p><b>Harbour Wall</b></p>{PROSE * 3}") == []  # a subheading: its words recur in the text
    assert bold_lines(f"<p><b>Ana Silva</b> said</p>{PROSE * 3}") == []  # not wholly bold
    assert bold_lines(f"<p><b>Ana Silva</b></p>{PROSE}") == []  # no run of prose after it
    assert bold_lines(f"{PROSE * 4}<p><b>Read More:</b></p>") == []  # no names
    assert bold_lines(f"<p><b>Ana Silva, Ana Silva</b></p>{PROSE * 3}") == []  # her words twice
