"""Golden pages dressed as other sites would set them: every rule must hold on pages nobody here wrote that way.

Each golden page was written for one rule, in one site's markup. A rule that holds only
on that markup fits the page, not the kind. So every page is also extracted in variants a
real site's template makes of the same article (wrapped in more containers, minified, its logo an <h1>,
a line saying when it was updated, numbered classes, paragraphs set in <div>s or wrapped in them or as lines of one
block broken by <br>, the text in <section>s or a layout table's cell, no <article> element, the headline in a
<header> or an <h2> or a link or on two lines, bylines in capitals or with a reading time or a desk or opening
"Written by", a job title or a time ago under the byline, a video player under the headline, soft hyphens in long
words, no-break spaces in bylines, a site's menus and footer and other stories around it, furniture in it and
between its paragraphs: an ad's slot or AMP ad, a "Read more" link, a picture with its caption, an embedded post, a
gallery's buttons, a paywall's pitch, a newsletter's sign-up box, the topics' tags, the editors' credits) and must
give the same fields and the same text, without the furniture added.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import lxml.etree
import lxml.html
import pytest

from scraper.extract.folding import fold
from scraper.extract.metadata import gather
from scraper.extract.parsing import parse_html
from tests.extract.test_extraction_golden import (
    PAGES,
    assert_comments_apart,
    assert_stated_fields,
    assert_text_kept_and_furniture_dropped,
    extracted,
)

Variant = Callable[[lxml.html.HtmlElement, lxml.html.HtmlElement], None]  # changes a page's tree, given it and its <body>

# What a site wraps around an article: its menu above, and other stories (with their own byline and day), its
# footer below. None of it may reach the article's fields.
_SITE_TOP = (
    '<header class="site-header"><nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>'
    '<li><a href="/sport">Sport</a></li><li><a href="/culture">Culture</a></li></ul></nav></header>'
)
_SITE_BOTTOM = (
    '<div class="site-bottom"><aside class="more-stories"><h2>More stories</h2><ul><li><a href="/other/1">Harbour fees rise'
    ' again as ferry operators face a long winter</a> <span class="byline">By Sam Other</span> <time datetime="2019-01-02">'
    '2 January 2019</time></li><li><a href="/other/2">Museum reopens its west wing after a year of repairs</a></li></ul>'
    '</aside><footer class="site-footer"><p>© Example Media. All rights reserved.</p><ul><li><a href="/privacy">Privacy'
    '</a></li><li><a href="/terms">Terms</a></li></ul></footer></div>'
)
_LOGO_HEADING = '<div class="logo"><h1><a href="/">Example Daily</a></h1></div>'
_SIGN_IN_DIALOG = (
    '<div class="modal" role="dialog" aria-modal="true"><h1>Sign in to your account</h1><p>Enter your email address'
    " to continue reading.</p></div>"
)
_ENGAGEMENT = '<div class="engagement"><span>1.2k</span> shares <span>34</span> comments</div>'
_FOLLOW_BUTTON = '<button class="follow">Follow</button>'
_KICKER = '<a class="kicker" href="/explainers">Explainer</a>'
_READING_TIME = " · 5 min read"
_DESK = " | World News"
_UPDATED_LINE = '<p class="updated">Updated <time datetime="2026-12-03T09:15:00Z">3 December 2026, 09:15</time></p>'
_JOB_TITLE_LINE = '<div class="role">Senior Reporter</div>'
_TIME_AGO = '<span class="ago">3 hours ago</span>'
_VIDEO_PLAYER = '<div class="video-player"><span class="label">Watch: The debate in full</span> <span class="duration">2:34</span></div>'
# Furniture set inside the article's page, and what of it must never reach the text.
_COOKIE_DIALOG = (
    '<div role="dialog" class="cookie-consent"><p>We use cookies to give you the best experience on our website.'
    " Accept all cookies</p></div>"
)
_SHARE_BAR = (
    '<div class="share-bar"><a href="https://facebook.example/share">Share on Facebook</a> '
    '<a href="https://x.example/share">Share on X</a> <a href="mailto:?">Email this story</a></div>'
)
_NEWSLETTER = (
    '<div class="newsletter-signup"><p>Sign up for our morning newsletter and get the day\'s top stories in your inbox.</p>'
    '<a href="#top">Back to top</a></div>'
)
# Furniture between the article's paragraphs and after them.
_AD_SLOT = '<div class="ad-slot"><span class="ad-label">Advertisement</span><div class="ad" id="ad-3"></div></div>'
_READ_MORE = (
    '<p class="related-inline"><strong>Read more:</strong> <a href="/other/3">Council approves new cycle lanes along the'
    " river after a long debate</a></p>"
)
_PICTURE = (
    '<figure class="inline-image"><img src="/img/harbour.jpg" alt=""><figcaption>The harbour at dawn. Photo: Ann Lens /'
    " Example Agency</figcaption></figure>"
)
_AMP_AD = (
    '<amp-ad width="300" height="250" type="doubleclick" data-slot="/123/news"><div placeholder>Loading ad</div>'
    "<div fallback>Ad failed to load</div></amp-ad>"
)
_EMBEDDED_POST = (
    '<blockquote class="twitter-tweet"><p lang="en">Crowds at the harbour this morning.</p>&mdash; Someone Else (@someone)'
    ' <a href="https://x.example/someone/status/1">December 1, 2025</a></blockquote>'
)
_TOPIC_TAGS = (
    '<div class="article-tags"><span>Topics:</span> <ul><li><a href="/tag/harbour">Harbour</a></li><li>'
    '<a href="/tag/city-council">City council</a></li><li><a href="/tag/transport">Transport</a></li></ul></div>'
)
_GALLERY = (
    '<div class="gallery"><button>Previous image</button> <span>1 of 12</span> <button>Next image</button>'
    '<img src="/img/gallery-1.jpg" alt=""></div>'
)
_PAYWALL_PITCH = '<div class="paywall-promo"><p>Subscribers get unlimited access to our journalism. Subscribe now from $1 a week.</p></div>'
_SIGN_UP_BOX = (
    '<div class="inline-signup"><h3>Get the morning briefing</h3><form action="/subscribe" method="post">'
    '<input type="email" name="email" placeholder="Your email"><button type="submit">Sign up</button></form></div>'
)
_CREDITS = '<p class="credits"><em>(Editing by Mark Potter and Nia Stone)</em></p>'
FURNITURE_ADDED = (
    "We use cookies", "Share on Facebook", "Email this story", "morning newsletter", "Back to top",
    "Advertisement", "Council approves new cycle lanes", "Ann Lens", "Topics:", "Loading ad", "Ad failed to load",
    "3 December 2026", "5 min read", "Explainer", "Sign in to", "Enter your email", "1.2k", "Senior Reporter", "3 hours ago",
    "Watch:", "2:34", "1 of 12", "Next image", "unlimited access", "Mark Potter", "morning briefing", "World News",
)
LONG_PARAGRAPH_CHARS = 80
_LONG_WORD = re.compile(r"\b(\w{5})(\w{4,})")  # a word of nine letters or more: a soft hyphen after its fifth
MAX_BYLINE_CHARS = 80


def _wrapped(_tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    outer = lxml.html.Element("div", {"class": "page-wrap"})
    inner = lxml.etree.SubElement(outer, "div", {"class": "container"})
    outer.text, body.text = body.text, None
    inner.extend(list(body))
    body.append(outer)


def _minified(tree: lxml.html.HtmlElement, _body: lxml.html.HtmlElement) -> None:
    for element in tree.iter():
        if len(element) and element.text is not None and not element.text.strip():
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None


def _numbered_classes(tree: lxml.html.HtmlElement, _body: lxml.html.HtmlElement) -> None:
    """Templates number a component's instances ("block-3"); the number tells one instance from another, not a kind."""
    for number, element in enumerate(tree.iter()):
        if element.get("class"):
            element.set("class", f"{element.get('class')} block-{number}")


def _data_attributes(tree: lxml.html.HtmlElement, _body: lxml.html.HtmlElement) -> None:
    for number, element in enumerate(tree.iter()):
        if isinstance(element.tag, str) and element.tag not in ("html", "head", "meta", "title", "link", "script"):
            element.set("data-track", str(number))


def _in_a_site(_tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    body.insert(0, lxml.html.fragment_fromstring(_SITE_TOP))
    body.append(lxml.html.fragment_fromstring(_SITE_BOTTOM))


def _logo_heading(_tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    """The site's logo set as the page's first <h1>, a link to its front page (older templates' way)."""
    body.insert(0, lxml.html.fragment_fromstring(_LOGO_HEADING))


def _kicker(tree: lxml.html.HtmlElement, _body: lxml.html.HtmlElement) -> None:
    """A kicker (the story's kind or section) set right over the headline, where the extractor reads it with the text."""
    if (headline := tree.find(".//h1")) is not None:
        headline.addprevious(lxml.html.fragment_fromstring(_KICKER))


def _sign_in_dialog(_tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    """A sign-in popup with a heading of its own, an <h1>, at the end of the page."""
    body.append(lxml.html.fragment_fromstring(_SIGN_IN_DIALOG))


def _engagement_counts(tree: lxml.html.HtmlElement, _body: lxml.html.HtmlElement) -> None:
    """A line of counts (shares, comments) under the headline, in an element whose class names no share bar."""
    if (headline := tree.find(".//h1")) is not None:
        _insert_after(headline, _ENGAGEMENT)


def _follow_button(_tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    """A button to follow the writer at the end of the byline, its word run on to the byline's last one."""
    if (byline := _innermost_byline(body)) is not None:
        byline.append(lxml.html.fragment_fromstring(_FOLLOW_BUTTON))


def _desk_after_byline(_tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    """The desk the writers belong to set after the byline's names, behind a bar ("By Ann Able | World News")."""
    if (byline := _innermost_byline(body)) is not None:
        _run_on(byline, _DESK)


def _updated_line(tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    """A line stating when the article was changed, after its byline (else its headline): never its publication."""
    byline = _byline(body)
    if (anchor := byline if byline is not None else tree.find(".//h1")) is not None:
        _insert_after(anchor, _UPDATED_LINE)


def _after_byline(markup: str) -> Variant:
    """Furniture set right after the byline's element."""

    def variant(_tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
        if (byline := _byline(body)) is not None:
            _insert_after(byline, markup)

    return variant


def _video_player(tree: lxml.html.HtmlElement, _body: lxml.html.HtmlElement) -> None:
    """A video player under the headline, its label and its length read as a line."""
    if (headline := tree.find(".//h1")) is not None:
        _insert_after(headline, _VIDEO_PLAYER)


def _written_by(_tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    """Bylines opening with a verb ("Written by Ann Able")."""
    for element in _opening_bylines(body):
        if element.text.strip().startswith("By "):
            element.text = element.text.replace("By ", "Written by ", 1)


def _soft_hyphens(tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    """Soft hyphens in the long words of the headline and the text, as German sites set them ("Bundes&shy;regierung"):
    a reader sees none, nor may the archive's title, text or search."""
    headline = tree.find(".//h1")
    for block in [*([] if headline is None else [headline]), *_long_paragraphs(body)]:
        for element in block.iter():
            element.text = _LONG_WORD.sub("\\1\u00ad\\2", element.text or "") or None
            if element is not block:
                element.tail = _LONG_WORD.sub("\\1\u00ad\\2", element.tail or "") or None


def _no_break_spaces(_tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    """The byline's spaces set as no-break spaces, so it never breaks across lines ("By&nbsp;Ann&nbsp;Able")."""
    if (byline := _byline(body)) is not None:
        for element in byline.iter():
            element.text = (element.text or "").replace(" ", "\u00a0") or None
            if element is not byline:
                element.tail = (element.tail or "").replace(" ", "\u00a0") or None


def _headline_line_break(tree: lxml.html.HtmlElement, _body: lxml.html.HtmlElement) -> None:
    """The headline set on two lines, broken by a <br> at its middle word."""
    headline = tree.find(".//h1")
    if headline is not None and not len(headline) and len(words := (headline.text or "").split()) >= 4:
        headline.text = " ".join(words[: len(words) // 2])
        lxml.etree.SubElement(headline, "br").tail = " ".join(words[len(words) // 2 :])


def _is_byline(element: lxml.html.HtmlElement) -> bool:
    text = element.text_content().strip()
    return len(text) < MAX_BYLINE_CHARS and text.casefold().startswith("by ")


def _byline(body: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The first element holding a byline (perhaps around the one holding its words)."""
    return next((element for element in body.iter("p", "div", "span", "address") if _is_byline(element)), None)


def _innermost_byline(body: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The first byline element holding no other."""
    bylines = (element for element in body.iter("p", "div", "span", "address") if _is_byline(element))
    return next((element for element in bylines if not any(_is_byline(child) for child in element.iterdescendants())), None)


def _opening_bylines(body: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The elements whose own text opens a byline ("By Ann Able and ...")."""
    return [
        element
        for element in body.iter()
        if isinstance(element.tag, str) and element.text and element.text.strip().casefold().startswith("by ")
        and len(element.text) < MAX_BYLINE_CHARS
    ]


def _run_on(element: lxml.html.HtmlElement, text: str) -> None:
    """Text run on to the end of an element's own text, after its last child."""
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def _with_furniture(tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    body.insert(0, lxml.html.fragment_fromstring(_COOKIE_DIALOG))
    if (headline := tree.find(".//h1")) is not None:
        _insert_after(headline, _SHARE_BAR)
    if paragraphs := _long_paragraphs(body):
        _insert_after(paragraphs[-1], _NEWSLETTER)


def _long_paragraphs(body: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return [paragraph for paragraph in body.iter("p") if len(paragraph.text_content()) > LONG_PARAGRAPH_CHARS]


def _furniture_after(paragraph: int, markup: str) -> Variant:
    """Furniture set after the article's long paragraph of this index, so before the next one; -1: after the last."""

    def variant(_tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
        paragraphs = _long_paragraphs(body)
        if (paragraph == -1 and paragraphs) or 0 <= paragraph < len(paragraphs) - 1:
            _insert_after(paragraphs[paragraph], markup)

    return variant


def _insert_after(element: lxml.html.HtmlElement, markup: str) -> None:
    added = lxml.html.fragment_fromstring(markup)
    added.tail, element.tail = element.tail, None
    element.addnext(added)


def _div_paragraphs(_tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    for paragraph in list(body.iter("p")):
        paragraph.tag = "div"


def _wrapped_paragraphs(_tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    for paragraph in list(body.iter("p")):
        wrapper = lxml.html.Element("div", {"class": "paragraph"})
        paragraph.addprevious(wrapper)
        wrapper.append(paragraph)


def _br_lines(_tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    """Each run of adjacent plain paragraphs set as one block, its paragraphs broken by <br><br>."""
    runs: list[list[lxml.html.HtmlElement]] = []
    for paragraph in list(body.iter("p")):
        plain = paragraph.get("class") is None and not len(paragraph) and not (paragraph.tail or "").strip()
        if plain and runs and runs[-1][-1].getnext() is paragraph:
            runs[-1].append(paragraph)
        elif plain:
            runs.append([paragraph])
    for run in (run for run in runs if len(run) > 1):
        block = lxml.html.Element("div", {"class": "text"})
        run[0].addprevious(block)
        block.text, block.tail = run[0].text, run[-1].tail
        for paragraph in run[1:]:
            lxml.etree.SubElement(block, "br")
            lxml.etree.SubElement(block, "br").tail = paragraph.text
        for paragraph in run:
            paragraph.getparent().remove(paragraph)


def _sections(_tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    """Each container of the text's paragraphs split in two <section>s at its middle one, its children kept in order."""
    holders: dict[lxml.html.HtmlElement, list[lxml.html.HtmlElement]] = {}
    for paragraph in _long_paragraphs(body):
        holders.setdefault(paragraph.getparent(), []).append(paragraph)
    for holder, own in holders.items():
        if len(own) < 2:
            continue
        children = list(holder)
        cut = children.index(own[len(own) // 2])
        for part in (children[:cut], children[cut:]):
            section = lxml.html.Element("section", {"class": "article-section"})
            part[0].addprevious(section)
            section.extend(part)


def _table_layout(_tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    """The page laid out in a table's cell, as sites did before CSS."""
    table = lxml.html.Element("table", {"class": "layout"})
    cell = lxml.etree.SubElement(lxml.etree.SubElement(table, "tr"), "td")
    cell.text, body.text = body.text, None
    cell.extend(list(body))
    body.append(table)


def _without_article_element(_tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    for container in list(body.iter("article", "main")):
        container.tag = "div"


def _headline_in_header(_tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    for headline in list(body.iter("h1")):
        header = lxml.html.Element("header", {"class": "article-header"})
        headline.addprevious(header)
        header.append(headline)


def _linked_headline(_tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    """The headline's words a link to the article itself."""
    for headline in list(body.iter("h1")):
        link = lxml.html.Element("a", {"href": "/this-story"})
        link.text, headline.text = headline.text, None
        link.extend(list(headline))
        headline.append(link)


def _capital_bylines(_tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    """Bylines set in capitals ("BY ANN ABLE AND BEN BAKER"): the names come out in capitals, the rest the same."""
    for element in _opening_bylines(body):
        element.text = element.text.upper()


def _reading_time(_tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    """The byline's line ends with the article's reading time ("By Ann Able · 5 min read")."""
    if (byline := _byline(body)) is not None:
        _run_on(byline, _READING_TIME)


def _h2_headline(_tree: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    for headline in list(body.iter("h1")):
        headline.tag = "h2"


VARIANTS: dict[str, Variant] = {
    "wrapped": _wrapped,
    "minified": _minified,
    "numbered-classes": _numbered_classes,
    "data-attributes": _data_attributes,
    "in-a-site": _in_a_site,
    "logo-heading": _logo_heading,
    "kicker": _kicker,
    "sign-in-dialog": _sign_in_dialog,
    "engagement-counts": _engagement_counts,
    "follow-button": _follow_button,
    "desk-after-byline": _desk_after_byline,
    "updated-line": _updated_line,
    "with-furniture": _with_furniture,
    "div-paragraphs": _div_paragraphs,
    "wrapped-paragraphs": _wrapped_paragraphs,
    "headline-in-header": _headline_in_header,
    "h2-headline": _h2_headline,
    "linked-headline": _linked_headline,
    "capital-bylines": _capital_bylines,
    "reading-time": _reading_time,
    "written-by": _written_by,
    "job-title-line": _after_byline(_JOB_TITLE_LINE),
    "time-ago": _after_byline(_TIME_AGO),
    "video-player": _video_player,
    "soft-hyphens": _soft_hyphens,
    "no-break-spaces": _no_break_spaces,
    "headline-line-break": _headline_line_break,
    "br-lines": _br_lines,
    "sections": _sections,
    "no-article-element": _without_article_element,
    "table-layout": _table_layout,
    "ad-slot": _furniture_after(0, _AD_SLOT),
    "read-more-link": _furniture_after(1, _READ_MORE),
    "picture": _furniture_after(0, _PICTURE),
    "topic-tags": _furniture_after(-1, _TOPIC_TAGS),
    "amp-ad": _furniture_after(0, _AMP_AD),
    "embedded-post": _furniture_after(1, _EMBEDDED_POST),
    "gallery": _furniture_after(0, _GALLERY),
    "paywall-pitch": _furniture_after(1, _PAYWALL_PITCH),
    "sign-up-box": _furniture_after(0, _SIGN_UP_BOX),
    "credits": _furniture_after(-1, _CREDITS),
}


# Where a variant still loses: trafilatura then reads the lines above the headline with the article (other stories'
# teasers; the header's dates). Up to three short lines opening the text over the headline go (a kicker, a menu's
# words); longer ones or more may be the article's (docs/benchmarks.md, twenty-ninth and thirty-second sessions).
# Strict: a case that starts to pass fails here, to be struck.
KNOWN_LIMITS = {
    ("date_nearest_headline", "div-paragraphs"): "the rail's teasers above the headline are read with the text",
    ("date_above_headline", "headline-in-header"): "the header's dates above the headline are read with the text",
    ("byline_profile_link", "capital-bylines"): "a consent note in capitals ('BY PROVIDING YOUR EMAIL') reads as a byline",
    # trafilatura's balanced pass puts an article's <header> (or a first paragraph set apart) after a text set as <br> lines.
    ("standfirst_holder_with_ad", "br-lines"): "the header with the standfirst is read after a text of <br> lines",
    # The vote keeps a line of the headline that a sentence of the text holds, and drops the rest of the headline;
    # taking the headline out before the vote cost check text (found 0.9525 -> 0.9479).
    ("standfirst_under_headline", "headline-line-break"): "the headline's second line, which a sentence holds, opens the text",
    ("standfirst_under_updated_line", "headline-line-break"): "the headline's second line, which a sentence holds, opens the text",
    ("sign_up_box_heading", "br-lines"): "a first paragraph a box sets apart is read after the text's run of <br> lines",
    # One voter stops at the link, so too few competent voters hold the standfirst.
    ("standfirst_most_voters", "read-more-link"): "a 'Read more' link cuts a voter short and the standfirst loses its vote",
    ("standfirst_most_voters", "embedded-post"): "an embedded post cuts a voter short and the standfirst loses its vote",
    # Without <article> nothing sets the main story apart from a teaser nested in it, or bounds the header's dates.
    ("byline_nested_teaser_article", "no-article-element"): "the teaser's byline is nearer the headline than the article's",
    ("date_above_headline", "no-article-element"): "the day above the headline is read only inside an <article>",
    ("next_article_below", "no-article-element"): "without <article>s nothing sets the next story's byline apart",
    # Without <article> trafilatura leaves the headline out, so nothing marks the day over it as the header's
    # (a line of a day alone is the text's elsewhere: a timeline's; dropping it cost dev and check text).
    ("kicker_over_headline", "no-article-element"): "the day over the headline is kept where the headline is not read",
    # The split body's parts are found as containers of one kind; in sections, the first part's sections come first.
    ("split_body", "sections"): "a split body whose parts are each in sections again loses its second part",
}


def _dressed(page: Path, variant: str) -> str:
    tree = lxml.html.document_fromstring(page.read_text(encoding="utf-8"))
    VARIANTS[variant](tree, tree.body)
    return lxml.html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")


def _headline_stated(page: Path) -> bool:
    """Whether a stated title (JSON-LD, OpenGraph, <title>) holds the page's <h1>: all that tells an <h2> is the headline."""
    tree = parse_html(page.read_text(encoding="utf-8"))
    headline = tree.find(".//h1")
    return headline is None or any(fold(headline.text_content()) in fold(title) for title in gather(tree).titles)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("page", PAGES, ids=[page.stem for page in PAGES])
def test_a_golden_page_as_another_template_sets_it_gives_the_same_fields(
    page: Path, variant: str, request: pytest.FixtureRequest
) -> None:
    if variant == "h2-headline" and not _headline_stated(page):
        pytest.skip("no stated title names the headline this page shows: without its <h1>, nothing does")
    if limit := KNOWN_LIMITS.get((page.stem, variant)):
        request.applymarker(pytest.mark.xfail(reason=limit, strict=True))
    article, expected = extracted(page, _dressed(page, variant))
    assert article.is_article, article.not_article
    record = article.record()
    assert_stated_fields(record, expected, casefold_authors=variant == "capital-bylines")
    assert_text_kept_and_furniture_dropped(record, expected, FURNITURE_ADDED)
    assert_comments_apart(record, expected, gathered=variant != "div-paragraphs")
