"""Where the page's metadata module finds a name: the article's own places, or other stories'; a byline read whole."""

from __future__ import annotations

import lxml.html

from scraper.extract.authors import choose_authors
from scraper.extract.metadata import gather, only_in_other_stories

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



def test_a_byline_listing_linked_and_plain_names_is_read_whole_beside_a_desk_or_a_place() -> None:
    """"By <a>A</a> and B | World News", "... in Brussels": the desk after a bar and the place the names write from
    do not make the line less of a list of names, so the plain name is not lost for the linked one's."""
    for after in (" | World News", " in Brussels", " · 5 min read"):
        byline = f'By <a href="/staff/ines-carvalho">Ines Carvalho</a> and Tomasz Wolny{after}'
        assert choose_authors(gather(page(byline)).authors, []) == ["Ines Carvalho", "Tomasz Wolny"], after
