"""A small hand-made news site, served for real on 127.0.0.1 by tests.

Pages are laid out like real news and WordPress pages (navigation, share bars,
related links, comment forms, cookie notices, footers), so extraction meets the
furniture it meets on the web. Each article's expected fields live in ``ARTICLES``,
next to the page they produce.
"""

from __future__ import annotations

import gzip
import html
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "naive-scrape.txt"

# The furniture that leaked into the naive scrape of the seed article, and must never
# reach the archive.
SEED_FURNITURE = [
    "Show More",
    "Leave a Reply",
    "Your email address will not be published. Required fields are marked *",
    "Back to top button",
]


def seed_article() -> tuple[str, list[str]]:
    """Title and paragraphs of the seed article, without its leaked furniture."""
    if SEED.exists():
        lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
        lines = [line for line in lines if line not in SEED_FURNITURE]
        return lines[0], lines[1:]
    return _SEED_FALLBACK[0], _SEED_FALLBACK[1:]


# The same story, summarised in our own words, for a clone without ../shared.
_SEED_FALLBACK = [
    "The UN Secretary-General Once Again Calls For a Ceasefire in Azerbaijan and Armenia",
    "The Secretary-General spoke by telephone with the President of Azerbaijan and the Prime Minister "
    "of Armenia on Monday and asked both leaders to take immediate steps towards a ceasefire in the "
    "conflict zone, his spokesperson told reporters in an email.",
    "According to the spokesperson, the Secretary-General is deeply concerned about the fighting that "
    "continues along the line of contact, and he urged both sides to resume negotiations without "
    "preconditions so that the instability in the region does not spread any further.",
    "He also repeated his full support for the mediators of the Organization for Security and "
    "Cooperation in Europe, who have tried for decades to bring the two countries to an agreement, "
    "and asked all parties to work closely with them in the days to come.",
    "The two neighbours accuse each other of breaking the ceasefire that has been in place since the "
    "nineteen nineties, and each blames the other for starting the latest offensive.",
]


@dataclass
class Article:
    path: str
    title: str
    authors: list[str]
    published: str
    paragraphs: list[str]
    description: str
    tags: list[str] = field(default_factory=list)
    language: str = "en"
    layout: str = "news"  # news or wordpress
    image: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def _paragraphs(*texts: str) -> list[str]:
    return [" ".join(text.split()) for text in texts]


SEED_TITLE, SEED_PARAGRAPHS = seed_article()

ARTICLES = [
    Article(
        path="/world/2026/11/25/un-ceasefire-azerbaijan-armenia/",
        title=SEED_TITLE,
        authors=["Li Wei"],
        published="2026-11-25T09:15:00+08:00",
        paragraphs=SEED_PARAGRAPHS,
        description="The Secretary-General again urged both leaders to stop the fighting.",
        tags=["World", "Diplomacy"],
        layout="wordpress",
    ),
    Article(
        path="/science/2026/11/26/glacier-retreat-record.html",
        title="Alpine glaciers lost a record share of their ice this summer",
        authors=["Anna Keller", "Tom Brandt"],
        published="2026-11-26T07:30:00+01:00",
        paragraphs=_paragraphs(
            """Glaciers in the Alps lost more of their remaining ice this summer than in any year since
            measurements began, a survey published on Wednesday by a network of glaciologists shows.""",
            """The researchers measured the thickness of forty glaciers at the end of the melt season and
            found that they had thinned by an average of three metres, twice the average of the past
            decade. Several small glaciers in the eastern Alps have broken apart into separate patches.""",
            """A dry winter left little fresh snow to shield the ice, and two long heat waves in July and
            August did the rest, said the lead author of the survey. Dust blown in from the Sahara in the
            spring darkened the surface and made it absorb more sunlight.""",
            """Mountain communities are already adapting. Ski resorts are moving their lifts higher, and
            several valleys that depend on meltwater for their fields in late summer have started to
            build small reservoirs to store water from the spring thaw.""",
            """The survey's authors expect most glaciers below three thousand metres to disappear within
            the next few decades, whatever happens to emissions, because the ice is far out of balance
            with today's climate.""",
        ),
        description="A survey of forty glaciers finds record thinning after a dry winter and two heat waves.",
        tags=["Science", "Climate"],
        image="/images/glacier.jpg",
    ),
    Article(
        path="/business/2026/11/26/port-strike-ends.html",
        title="Dock workers end a two-week strike after a pay deal",
        authors=["Maria Santos"],
        published="2026-11-26T18:05:00+00:00",
        paragraphs=_paragraphs(
            """Dock workers at the country's largest container port returned to work on Thursday after
            their union accepted a pay deal that ends a strike of two weeks.""",
            """The agreement raises wages by eleven percent over two years and limits the use of
            temporary contracts, the union said in a statement to its members, who approved it by a
            large majority in a vote that closed on Wednesday evening.""",
            """Hundreds of ships had been waiting at anchor outside the harbour, and retailers had warned
            that shelves could be empty before the holidays if the dispute went on much longer.""",
            """The port operator said it expected to clear the backlog within ten days and would keep
            the terminals open around the clock until then, with extra shifts paid at overtime rates.""",
            """Economists said the strike had shaved a small amount off growth in the quarter, but that
            most of the delayed trade would be made up in the weeks to come.""",
        ),
        description="Union members approved an eleven percent raise over two years.",
        tags=["Business", "Labour"],
    ),
    Article(
        path="/culture/2026/11/27/library-reopens.html",
        title="The old city library reopens after five years of restoration",
        authors=["James O'Neill"],
        published="2026-11-27T10:00:00-05:00",
        paragraphs=_paragraphs(
            """The city's old public library opened its doors again on Friday morning, five years after
            a fire in the roof forced it to close and move its collections into storage.""",
            """Restorers rebuilt the wooden ceiling of the main reading room by hand, using the original
            drawings from the nineteenth century that were found in the municipal archive, and cleaned
            the painted panels that had been covered by soot.""",
            """The building now has a lift, a children's wing in the former coach house and a café on the
            ground floor. The reading room itself keeps its long oak tables and green lamps.""",
            """More than two thousand people queued in the rain before the opening, and the library said
            it had registered four hundred new members by lunchtime.""",
            """The restoration cost more than planned, but the city council said the money was well
            spent on a building that belongs to everyone in the city.""",
        ),
        description="Restorers rebuilt the reading room's wooden ceiling by hand.",
        tags=["Culture"],
        layout="wordpress",
    ),
    Article(
        path="/de/2026/11/27/bahnstrecke-eroeffnet.html",
        title="Neue Bahnstrecke verkürzt die Fahrt in die Berge um eine Stunde",
        authors=["Katrin Vogel"],
        published="2026-11-27T06:45:00+01:00",
        paragraphs=_paragraphs(
            """Nach sieben Jahren Bauzeit ist die neue Bahnstrecke durch das Tal am Donnerstag eröffnet
            worden. Die Fahrt von der Stadt in die Berge dauert damit eine Stunde weniger als bisher.""",
            """Die Strecke führt durch drei Tunnel und über eine Brücke, die mit einer Länge von fast
            einem Kilometer zu den längsten Eisenbahnbrücken des Landes gehört.""",
            """Die Gemeinden im Tal erhoffen sich mehr Besucher und weniger Verkehr auf der Straße, die
            an schönen Wochenenden regelmäßig verstopft ist.""",
            """Die Baukosten lagen deutlich über der ursprünglichen Planung, weil beim Bau eines Tunnels
            unerwartet Wasser in den Berg eingedrungen war und die Arbeiten monatelang ruhten.""",
            """Ab dem Fahrplanwechsel im Dezember sollen die Züge jede halbe Stunde fahren, am Wochenende
            auch bis spät in die Nacht.""",
        ),
        description="Nach sieben Jahren Bauzeit fahren die ersten Züge durch das Tal.",
        tags=["Verkehr"],
        language="de",
    ),
    Article(
        path="/tech/2026/11/27/open-source-maintainers.html",
        title="Open-source maintainers ask companies to pay for the code they use",
        authors=["Priya Raman"],
        published="2026-11-27T12:20:00+00:00",
        paragraphs=_paragraphs(
            """A group of open-source maintainers published an open letter on Friday asking the companies
            that build products on their code to contribute money or engineering time in return.""",
            """The letter, signed by the maintainers of more than two hundred projects, says that many of
            the libraries at the heart of modern software are looked after by one or two volunteers in
            their spare time.""",
            """Several large companies have set up funds for open-source work in recent years, but the
            signatories say the money is spread thinly and rarely reaches the small projects that need
            it most.""",
            """The letter proposes that companies spend a fixed share of their software budget on the
            projects they depend on, and publish each year which projects they supported.""",
            """Some of the companies named in the letter said they would study the proposal. Others
            pointed to the programmes they already run.""",
        ),
        description="More than two hundred projects signed an open letter.",
        tags=["Technology", "Open source"],
    ),
]

SITE_NAME = "Example Daily"
NAV = ["Home", "World", "Business", "Science", "Culture", "Tech", "Subscribe"]
COOKIE_NOTE = "We use cookies to improve your experience. By continuing you accept our cookie policy."
FOOTER = "© 2026 Example Daily. All rights reserved. Imprint · Privacy · Contact"

# Page furniture placed around every article: none of it may reach `articles.text`.
FURNITURE = SEED_FURNITURE + [
    COOKIE_NOTE,
    "Share on Facebook",
    "Share on X",
    "Related articles",
    "Most read",
    "Sign up for our newsletter",
    FOOTER,
]


def _jsonld(article: Article, base: str) -> str:
    data = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": SITE_NAME, "url": base + "/"},
            {
                "@type": "NewsArticle",
                "headline": article.title,
                "datePublished": article.published,
                "author": [{"@type": "Person", "name": name} for name in article.authors],
                "publisher": {"@type": "Organization", "name": SITE_NAME},
                "keywords": article.tags,
                "description": article.description,
                "inLanguage": article.language,
            },
        ],
    }
    return json.dumps(data, ensure_ascii=False)


def _related(base: str, current: Article) -> str:
    links = "".join(
        f'<li><a href="{base}{other.path}">{html.escape(other.title)}</a></li>'
        for other in ARTICLES
        if other is not current
    )
    return f'<aside class="related"><h3>Related articles</h3><ul>{links}</ul></aside>'


def article_page(article: Article, base: str) -> str:
    """The HTML of one article, with all the furniture of a real page around it."""
    esc = html.escape
    nav = "".join(f'<li><a href="{base}/{item.lower()}/">{item}</a></li>' for item in NAV)
    body = "".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
    byline = " and ".join(esc(a) for a in article.authors)
    share = (
        '<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> '
        '<a href="#">Email</a></div>'
    )
    image = f'<meta property="og:image" content="{base}{article.image}">' if article.image else ""
    head = f"""<head><meta charset="utf-8">
<title>{esc(article.title)} | {SITE_NAME}</title>
<meta name="description" content="{esc(article.description)}">
<meta property="og:type" content="article">
<meta property="og:title" content="{esc(article.title)}">
<meta property="og:site_name" content="{SITE_NAME}">
<meta property="article:published_time" content="{article.published}">
{image}
<link rel="canonical" href="{base}{article.path}">
<script type="application/ld+json">{_jsonld(article, base)}</script>
</head>"""
    if article.layout == "wordpress":
        main = f"""<div id="page" class="site">
<header id="masthead" class="site-header"><nav class="main-navigation"><ul>{nav}</ul></nav></header>
<div id="content" class="site-content"><main id="main" class="site-main">
<article class="post type-post status-publish">
<header class="entry-header"><h1 class="entry-title">{esc(article.title)}</h1>
<div class="entry-meta">By <span class="author vcard">{byline}</span> · <time class="entry-date published" datetime="{article.published}">{article.published[:10]}</time></div></header>
<div class="entry-content">{body}</div>
<footer class="entry-footer">{share}<span class="cat-links">Posted in {", ".join(article.tags)}</span></footer>
</article>
<div class="show-more"><button>Show More</button></div>
{_related(base, article)}
<div id="comments" class="comments-area"><div id="respond" class="comment-respond">
<h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>
<form action="{base}/wp-comments-post.php" method="post" id="commentform" class="comment-form">
<p class="comment-notes"><span id="email-notes">Your email address will not be published.</span> <span class="required-field-message">Required fields are marked <span class="required">*</span></span></p>
<p class="comment-form-comment"><label for="comment">Comment <span class="required">*</span></label><textarea id="comment" name="comment"></textarea></p>
<p class="comment-form-author"><label for="author">Name <span class="required">*</span></label><input id="author" name="author" type="text"></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment"></p>
</form></div></div>
</main></div>
<footer id="colophon" class="site-footer"><div class="site-info">{FOOTER}</div></footer>
<a href="#" id="back-to-top" class="go-to-top"><span>Back to top button</span></a>
</div>"""
    else:
        main = f"""<header class="masthead"><a class="logo" href="{base}/">{SITE_NAME}</a><nav><ul>{nav}</ul></nav></header>
<div class="cookie-banner" role="dialog"><p>{COOKIE_NOTE}</p><button>Accept</button></div>
<main><article>
<h1>{esc(article.title)}</h1>
<p class="byline">By {byline}, <time datetime="{article.published}">{article.published[:10]}</time></p>
{share}
<div class="article-body">{body}</div>
</article>
{_related(base, article)}
<aside class="most-read"><h3>Most read</h3><ol><li><a href="{base}/">Front page</a></li></ol></aside>
<section class="newsletter"><h3>Sign up for our newsletter</h3><form><input type="email"><button>Subscribe</button></form></section>
</main>
<footer class="site-footer"><p>{FOOTER}</p></footer>"""
    return f'<!DOCTYPE html><html lang="{article.language}">{head}<body>{main}</body></html>'


def section_page(base: str, articles: list[Article], title: str) -> str:
    teasers = "".join(
        f'<div class="teaser"><h2><a href="{base}{a.path}">{html.escape(a.title)}</a></h2>'
        f"<p>{html.escape(a.description)}</p></div>"
        for a in articles
    )
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | {SITE_NAME}</title>
<meta property="og:type" content="website"></head><body>
<header><nav><a href="{base}/">Home</a></nav></header><main><h1>{title}</h1>{teasers}</main>
<footer>{FOOTER}</footer></body></html>"""


def _http_date(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso))


def rss_feed(base: str, articles: list[Article]) -> str:
    items = "".join(
        f"<item><title>{html.escape(a.title)}</title><link>{base}{a.path}?utm_source=rss&amp;utm_medium=feed</link>"
        f"<pubDate>{_http_date(a.published)}</pubDate><description>{html.escape(a.description)}</description></item>"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{SITE_NAME}</title><link>{base}/</link><description>News</description>{items}</channel></rss>"
    )


def atom_feed(base: str, articles: list[Article]) -> str:
    entries = "".join(
        f'<entry><title>{html.escape(a.title)}</title><link href="{base}{a.path}"/>'
        f"<id>{base}{a.path}</id><updated>{a.published}</updated><published>{a.published}</published></entry>"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{SITE_NAME}</title><id>{base}/</id><updated>2026-11-27T12:00:00Z</updated>{entries}</feed>"
    )


def sitemap_index(base: str, children: list[str]) -> str:
    items = "".join(f"<sitemap><loc>{base}{child}</loc></sitemap>" for child in children)
    return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>'


def news_sitemap(base: str, articles: list[Article]) -> str:
    urls = "".join(
        f"<url><loc>{base}{a.path}</loc><news:news><news:publication><news:name>{SITE_NAME}</news:name>"
        f"<news:language>{a.language}</news:language></news:publication>"
        f"<news:publication_date>{a.published}</news:publication_date><news:title>{html.escape(a.title)}</news:title>"
        f"</news:news></url>"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>'
    )


ROBOTS = "User-agent: *\nDisallow: /private/\nSitemap: {base}/sitemap_index.xml\n"


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


class Site:
    """A tiny web server: a dict of path -> Response, and a log of every request."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.pages: dict[str, Response | Callable[[], Response]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.started: list[float] = []  # monotonic time each request arrived
        self.slow = 0.0  # seconds every answer takes, to see how many requests overlap
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()
        handler = self._handler()
        self.server = ThreadingHTTPServer((host, port), handler)
        self.server.daemon_threads = True
        self.base = f"http://{host}:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> Site:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add(self, path: str, body: str | bytes, content_type: str = "text/html; charset=utf-8", status: int = 200, **headers: str) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.pages[path] = Response(status, data, content_type, headers)

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(1 for requested, _ in self.requests if requested.split("?")[0] == path)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                with site._lock:
                    site.requests.append((self.path, dict(self.headers)))
                    site.started.append(time.monotonic())
                    site.active += 1
                    site.max_active = max(site.max_active, site.active)
                # Active while the answer is held back: once it is written the client may read it and send its
                # next request before this thread runs again, which is no overlap.
                try:
                    time.sleep(site.slow)
                finally:
                    with site._lock:
                        site.active -= 1
                self._answer()

            def _answer(self) -> None:
                page = site.pages.get(self.path.split("?")[0])
                response = page() if callable(page) else page
                if response is None:
                    response = Response(404, b"<html><body><h1>Not found</h1></body></html>")
                headers = dict(response.headers)
                modified = headers.get("Last-Modified")
                since = self.headers.get("If-Modified-Since")
                etag = headers.get("ETag")
                if (etag and self.headers.get("If-None-Match") == etag) or (
                    modified and since and parsedate_to_datetime(since) >= parsedate_to_datetime(modified)
                ):
                    self.send_response(304)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(response.body)

        return Handler


def build_news_site(site: Site) -> Site:
    """Fill a Site with the example newspaper: articles, feeds, sitemaps, robots.txt."""
    base = site.base
    for article in ARTICLES:
        site.add(article.path, article_page(article, base))
    english = [a for a in ARTICLES if a.language == "en"]
    site.add("/", section_page(base, ARTICLES, SITE_NAME))
    site.add("/world/", section_page(base, ARTICLES[:3], "World"))
    site.add("/robots.txt", ROBOTS.format(base=base), "text/plain")
    site.add("/rss.xml", rss_feed(base, english[:3]), "application/rss+xml")
    site.add("/atom.xml", atom_feed(base, english[3:]), "application/atom+xml")
    site.add("/sitemap_index.xml", sitemap_index(base, ["/sitemap-news.xml.gz"]), "application/xml")
    site.add("/sitemap-news.xml.gz", gzip.compress(news_sitemap(base, ARTICLES).encode()), "application/x-gzip")
    site.add("/private/secret.html", article_page(ARTICLES[1], base))
    site.add("/report.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "application/pdf")
    return site


def bulk_articles(count: int) -> list[Article]:
    """``count`` small, distinct articles, for crawls that need many pages."""
    return [
        Article(
            path=f"/bulk/{number}.html",
            title=f"Council minutes, meeting number {number}",
            authors=["Kim Archer"],
            published=f"2026-{number % 12 + 1:02d}-{number % 28 + 1:02d}T07:30:00+00:00",
            description=f"What the council decided at meeting {number}.",
            paragraphs=[
                f"At its meeting number {number} the town council approved the repair of the bridge over "
                "the river, which has been closed to lorries since the floods of the spring.",
                f"Councillors also agreed to keep the library open late on Thursdays, and item {number} on "
                "the agenda, the new bus timetable, was sent back for another round of consultation.",
            ],
        )
        for number in range(count)
    ]


def build_bulk_site(site: Site, count: int) -> tuple[Site, list[Article]]:
    """A site of ``count`` small articles, all listed in /sitemap.xml."""
    articles = bulk_articles(count)
    for article in articles:
        site.add(article.path, article_page(article, site.base))
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    site.add("/sitemap.xml", news_sitemap(site.base, articles), "application/xml")
    return site, articles
