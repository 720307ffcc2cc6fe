"""A hostile web, served for real on 127.0.0.x by tests and bench/hostile_crawl.py.

Good articles sit among every way a server can misbehave: errors, resets, silence,
dripping, lies about length, size and type, bombs, wrong charsets, redirect
tricks, endless links, broken and booby-trapped XML, and links into the
machine's own network. Handlers write raw bytes to the socket, so a server can
misbehave below HTTP too. ``HostileWeb.GOOD`` says what must end up archived.
"""

from __future__ import annotations

import gzip
import socket
import socketserver
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from tests.newssite import Article, article_page

Handler = Callable[[socket.socket, str], None]


def http_response(
    status: int, body: bytes = b"", content_type: str = "text/html; charset=utf-8", length: int | None = -1, **headers: str
) -> bytes:
    """Status line, headers and body; ``length`` overrides Content-Length (None: no such header)."""
    lines = [f"HTTP/1.1 {status} {'OK' if status < 400 else 'Error'}", f"Content-Type: {content_type}"]
    if length is not None:
        lines.append(f"Content-Length: {len(body) if length == -1 else length}")
    lines += [f"{key.replace('_', '-')}: {value}" for key, value in headers.items()]
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class RawServer:
    """A threaded TCP server on ``host``; each path's handler writes whatever it likes."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Handler] = {}
        self.fallback: Callable[[str], Handler | None] = lambda path: None
        self.hits: list[str] = []
        self.stopping = threading.Event()
        server = self

        class Connection(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                self.request.settimeout(10)
                try:
                    head = b""
                    while b"\r\n\r\n" not in head and len(head) < 65536:
                        chunk = self.request.recv(4096)
                        if not chunk:
                            return
                        head += chunk
                    path = head.split(b" ", 2)[1].decode("latin-1")
                    server.hits.append(path)
                    handler = server.routes.get(path) or server.fallback(path) or respond(http_response(404, b"Not found"))
                    handler(self.request, path)
                except OSError:
                    pass  # the client gave up: that is what a hostile page is for

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer((host, 0), Connection)
        self.server.daemon_threads = True
        self.base = f"http://{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> RawServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def count(self, prefix: str) -> int:
        """How many distinct paths starting with ``prefix`` were requested."""
        return len({path for path in self.hits if path.startswith(prefix)})


def respond(data: bytes) -> Handler:
    return lambda conn, path: conn.sendall(data)


# -- the faults ------------------------------------------------------------------------


def reset_mid_body(conn: socket.socket, path: str) -> None:
    """Promise 5000 bytes, send 1000, then reset the connection (RST, not FIN)."""
    conn.sendall(http_response(200, b"<html><body><p>" + b"x" * 1000, length=5000))
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def truncated(conn: socket.socket, path: str) -> None:
    """Claim 10000 bytes in Content-Length, send 2000 and close cleanly."""
    body = (b"<html><body><article>" + b"<p>Short of what was promised.</p>" * 100)[:2000]
    conn.sendall(http_response(200, body, length=10000))


def wait_forever(server: RawServer) -> Handler:
    """Read the request, then never answer."""
    return lambda conn, path: server.stopping.wait(120)


def drip(server: RawServer) -> Handler:
    """Send a page one byte a second."""

    def handler(conn: socket.socket, path: str) -> None:
        conn.sendall(http_response(200, length=4000))
        while not server.stopping.wait(1):
            conn.sendall(b"x")

    return handler


def endless(sized: bool) -> Handler:
    """A 60 MB page, streamed; with or without a Content-Length that says so."""
    size = 60 * 1024 * 1024

    def handler(conn: socket.socket, path: str) -> None:
        conn.sendall(http_response(200, b"<html><body>", length=size if sized else None))
        block = b"<p>" + b"filler " * 9000 + b"</p>"
        sent = 0
        while sent < size:
            conn.sendall(block)
            sent += len(block)

    return handler


_BOMB: bytes | None = None


def gzip_bomb() -> bytes:
    """1 GiB of zeros as ~1 MB of gzip (16 gzip members of 64 MiB each)."""
    global _BOMB
    if _BOMB is None:
        _BOMB = gzip.compress(b"\0" * (64 << 20), 9) * 16
    return _BOMB


def billion_laughs(root: str, inner: str) -> bytes:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE {root} [{entities}'
        '<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + inner
    ).encode()


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n" + bytes(range(256)) * 20 + b"\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) * 40 + b"\xff\xd9"


# -- the good articles -------------------------------------------------------------------


def _english(number: int) -> Article:
    topic = ["harbour", "library", "orchard", "railway", "observatory", "bakery", "ferry", "market", "theatre", "bridge", "museum"][number - 1]
    return Article(
        path=f"/good/{number}.html",
        title=f"The town {topic} reopens after a long winter of repairs",
        authors=["Robin Hale"],
        published=f"2026-11-{number + 10:02d}T08:00:00+00:00",
        description=f"The {topic} is open again.",
        paragraphs=[
            f"The town's {topic} opened its doors again on Monday morning after a winter of repairs that "
            "took far longer than the council had promised when the work began last year.",
            f"Residents queued before dawn to see the {topic}, and several said they had missed it more "
            "than they expected, because it had been part of their weekly routine for decades.",
            "The council said the final bill came in under budget, although the contractor blamed the "
            "delays on a shortage of materials and on the wettest autumn in forty years.",
        ],
    )


@dataclass
class Encoded:
    """A good article served in a legacy encoding, with its declarations right, missing or wrong."""

    article: Article
    encoding: str
    header: str | None  # the charset the HTTP header claims, None for no charset at all
    meta: bool  # whether the page declares its real charset in <meta>

    def page(self, base: str) -> bytes:
        html = article_page(self.article, base)
        meta = f'<meta charset="{self.encoding}">' if self.meta else ""
        return html.replace('<meta charset="utf-8">', meta).encode(self.encoding, "xmlcharrefreplace")

    @property
    def content_type(self) -> str:
        return f"text/html; charset={self.header}" if self.header else "text/html"


_TEXTS = {
    "windows-1252": (
        "Le café « Chez Müller » rouvre ses portes",
        [
            "Après deux ans de travaux, le café « Chez Müller » a rouvert ses portes jeudi : les habitués "
            "s’y pressent déjà, et le patron promet que rien n’a changé, ni les banquettes ni les prix.",
            "Le crème coûte toujours 3,50 €, les œufs brouillés sont servis jusqu’à midi, et la pâtisserie "
            "maison, une tarte aux pommes à la cannelle, a gardé la recette de la grand-mère du fondateur.",
            "« Über die Straße hinweg grüßt man sich wieder », sourit une voisine venue d’Allemagne, ravie "
            "de retrouver la terrasse où elle lit son journal chaque matin depuis vingt ans.",
        ],
    ),
    "shift_jis": (
        "東京都が新しい防災計画を発表",
        [
            "東京都は二十七日、首都直下地震に備えた新しい防災計画を発表した。避難所の数を大幅に増やすほか、"
            "高齢者や障害のある人の避難を地域ぐるみで支援する体制を整えるという。",
            "計画では、各区の公園や学校に非常用の発電機と飲料水を備え、停電が長引いた場合でも三日間は"
            "生活できるようにする。費用は今後五年間でおよそ二千億円を見込んでいる。",
            "知事は記者会見で「命を守ることが何よりも優先だ。都民一人ひとりにも日頃からの備えをお願いしたい」"
            "と述べ、家庭での食料や水の備蓄を呼びかけた。",
        ],
    ),
    "gbk": (
        "国家统计局发布前十个月工业利润数据",
        [
            "国家统计局二十七日发布数据显示，今年前十个月全国规模以上工业企业利润同比增长，"
            "其中装备制造业和高技术制造业的增长尤为明显，成为拉动利润回升的主要力量。",
            "专家认为，经济恢复势头总体良好，市场需求逐步回暖，企业经营状况持续改善，"
            "但仍需警惕外部环境变化带来的风险，特别是原材料价格波动对中小企业的影响。",
            "统计局有关负责人表示，下一步将继续加强经济运行监测，为政策制定提供更加及时准确的数据支持，"
            "推动工业经济稳定增长。",
        ],
    ),
}
# Each encoding served twice: no charset anywhere (bytes alone tell), and a wrong header.
_WRONG_HEADER = {"windows-1252": "utf-8", "shift_jis": "iso-8859-1", "gbk": "shift_jis"}


def _encoded() -> list[Encoded]:
    pages = []
    for number, (encoding, (title, paragraphs)) in enumerate(_TEXTS.items(), start=1):
        language = {"windows-1252": "fr", "shift_jis": "ja", "gbk": "zh"}[encoding]
        for variant, header in (("bare", None), ("wrong", _WRONG_HEADER[encoding])):
            article = Article(
                path=f"/charset/{encoding}-{variant}.html",
                title=title,
                authors=["Camille Mori"],
                published=f"2026-11-0{number}T09:00:00+00:00",
                description=paragraphs[0][:40],
                paragraphs=paragraphs,
                language=language,
            )
            pages.append(Encoded(article, encoding, header, meta=False))
    return pages


ENGLISH = [_english(number) for number in range(1, 12)]
ENCODED = _encoded()


def _rss(base: str, links: list[str]) -> bytes:
    items = "".join(f"<item><title>Story {n}</title><link>{link if '://' in link else base + link}</link></item>" for n, link in enumerate(links))
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Hostile</title>{items}</channel></rss>'.encode()


def _urlset(base: str, paths: list[str]) -> bytes:
    urls = "".join(f"<url><loc>{base}{path}</loc></url>" for path in paths)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


def _meta_refresh(target: str) -> bytes:
    """A page that sends the browser on at once, as moved pages on old sites do."""
    return (
        f'<html><head><META HTTP-EQUIV=Refresh CONTENT="0; URL={target}"><title>Moved</title></head>'
        f'<body><p>This page has moved. The refresh of your browser takes you on.</p></body></html>'
    ).encode()


def _calendar_page(base: str, day: date) -> bytes:
    """A day of an endless calendar: links a day and a month either way, forever."""
    links = "".join(
        f'<li><a href="{base}/calendar/{day + timedelta(days=step)}/">{day + timedelta(days=step)}</a></li>'
        for step in (-30, -1, 1, 30)
    )
    return f"<html><body><h1>Events on {day}</h1><p>No events.</p><ul>{links}</ul></body></html>".encode()


# Links in the hostile feed that no request can be made of (counted as ``bad_url``).
BAD_LINKS = ["http://[::1]x/story.html", "https://127.0.0.1:99999/story.html"]

# Faults the hostile feed links to, with the kind each one is counted as.
FAULTS = {
    "/fault/500": "http_500",
    "/fault/503": "http_503",
    "/fault/reset": "data_loss",
    "/fault/hang": "timeout",
    "/fault/drip": "timeout",
    "/fault/truncated": "data_loss",
    "/fault/huge": "too_large",
    "/fault/huge-unsized": "too_large",
    "/fault/gzip-bomb": "too_large_unpacked",
    "/fault/pdf": "not_html",
    "/fault/jpeg": "not_html",
    "/redirect/loop": "redirect_loop",
    "/redirect/chain": "too_many_redirects",
    "/redirect/file": "blocked_scheme",
    "/redirect/ftp": "blocked_scheme",
    "/redirect/metadata": "blocked_address",
    "/redirect/internal": "blocked_address",
    "/redirect/refresh-loop": "redirect_loop",
}


class HostileWeb:
    """The hostile site on 127.0.0.1, two sites with broken robots.txt, and an internal host."""

    def __init__(self) -> None:
        self.main = RawServer()
        self.robots_timeout = RawServer()
        self.robots_500 = RawServer()
        self.robots_moved = RawServer()  # robots.txt redirects to a URL that fails
        self.internal = RawServer("127.0.0.2")  # another loopback address: "the internal network"
        base = self.main.base
        internal_url = f"{self.internal.base}/internal.html"
        decimal_internal = f"http://{int.from_bytes(bytes([127, 0, 0, 2]), 'big')}:{self.internal.base.rsplit(':', 1)[1]}/internal.html?decimal"
        self.hidden_links = [internal_url, decimal_internal, "http://169.254.169.254/latest/meta-data/", "file:///etc/passwd"]

        routes = self.main.routes
        routes["/robots.txt"] = respond(http_response(200, b"User-agent: *\nAllow: /\n", "text/plain"))
        for article in ENGLISH:
            routes[article.path] = respond(http_response(200, article_page(article, base).encode()))
        for page in ENCODED:
            routes[page.article.path] = respond(http_response(200, page.page(base), page.content_type))

        routes["/fault/500"] = respond(http_response(500, b"<html><body>Internal error</body></html>"))
        routes["/fault/503"] = respond(http_response(503, b"<html><body>Busy</body></html>", Retry_After="1"))
        routes["/fault/reset"] = reset_mid_body
        routes["/fault/hang"] = wait_forever(self.main)
        routes["/fault/drip"] = drip(self.main)
        routes["/fault/truncated"] = truncated
        routes["/fault/huge"] = endless(sized=True)
        routes["/fault/huge-unsized"] = endless(sized=False)
        routes["/fault/gzip-bomb"] = lambda conn, path: conn.sendall(http_response(200, gzip_bomb(), Content_Encoding="gzip"))
        routes["/fault/pdf"] = respond(http_response(200, PDF))
        routes["/fault/jpeg"] = respond(http_response(200, JPEG))
        routes["/redirect/loop"] = respond(http_response(302, Location="/redirect/loop-again"))
        routes["/redirect/loop-again"] = respond(http_response(302, Location="/redirect/loop"))
        routes["/redirect/chain"] = respond(http_response(302, Location="/redirect/chain/1"))
        routes["/redirect/file"] = respond(http_response(302, Location="file:///etc/passwd"))
        routes["/redirect/ftp"] = respond(http_response(301, Location="ftp://127.0.0.1/etc/passwd"))
        routes["/redirect/metadata"] = respond(http_response(302, Location="http://169.254.169.254/latest/meta-data/?via=redirect"))
        routes["/redirect/internal"] = respond(http_response(307, Location=internal_url + "?via=redirect"))
        routes["/redirect/refresh-loop"] = respond(http_response(200, _meta_refresh("/redirect/refresh-loop-again")))
        routes["/redirect/refresh-loop-again"] = respond(http_response(200, _meta_refresh("/redirect/refresh-loop")))
        # The last good article is reached only through a page that moved, by <meta> refresh.
        routes["/moved/museum.html"] = respond(http_response(200, _meta_refresh(ENGLISH[10].path)))

        good = [a.path for a in ENGLISH]
        feed_links = good[:4] + [p.article.path for p in ENCODED] + list(FAULTS) + self.hidden_links + ["/moved/museum.html"]
        # Links no request can be made of, and a date no calendar holds, ahead of the good ones.
        bad_links = "".join(f"<item><title>Broken</title><link>{link}</link></item>" for link in BAD_LINKS)
        year_zero = f"<item><title>Year zero</title><link>{base}{good[0]}</link><pubDate>0000-00-00</pubDate></item>"
        feed = _rss(base, feed_links).replace(b"<title>Hostile</title>", f"<title>Hostile</title>{bad_links}{year_zero}".encode())
        routes["/feed.xml"] = respond(http_response(200, feed, "application/rss+xml"))
        # Broken XML that lenient parsers still read: unescaped &, unclosed tags, no end.
        broken_feed = _rss(base, good[4:6]).replace(b"<title>Hostile</title>", b"<title>Hostile & broken <b></title>")
        routes["/feed-malformed.xml"] = respond(http_response(200, broken_feed[: -len(b"</channel></rss>")], "application/rss+xml"))
        broken_sitemap = _urlset(base, good[6:8]).replace(b"</urlset>", b"<url><loc>")
        routes["/sitemap-malformed.xml"] = respond(http_response(200, broken_sitemap, "application/xml"))
        feed_bomb = billion_laughs("rss", f'<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title><link>{base}/good/1.html</link><description>&xxe;</description></item></channel></rss>')
        routes["/feed-bomb.xml"] = respond(http_response(200, feed_bomb, "application/rss+xml"))
        sitemap_bomb = billion_laughs("urlset", f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{base}/&lol9;&xxe;</loc></url></urlset>')
        routes["/sitemap-bomb.xml"] = respond(http_response(200, sitemap_bomb, "application/xml"))
        big = _urlset(base, good[8:10] + [f"/many/{n}.html" for n in range(49_998)])
        routes["/sitemap-big.xml"] = respond(http_response(200, big, "application/xml"))

        def generated(path: str) -> Handler | None:
            if path.startswith("/redirect/chain/"):  # a chain of redirects that never ends
                return respond(http_response(302, Location=f"/redirect/chain/{int(path.rsplit('/', 1)[1]) + 1}"))
            if path.startswith("/many/"):
                return respond(http_response(200, b"<html><body><p>Nothing here.</p></body></html>"))
            if path.startswith("/calendar/"):
                try:
                    day = date.fromisoformat(path.split("/")[2])
                except (IndexError, ValueError):
                    return None
                return respond(http_response(200, _calendar_page(base, day)))
            return None

        self.main.fallback = generated

        self.robots_timeout.routes["/robots.txt"] = wait_forever(self.robots_timeout)
        self.robots_500.routes["/robots.txt"] = respond(http_response(500, b"<html><body>Oops</body></html>"))
        self.robots_moved.routes["/robots.txt"] = respond(http_response(301, Location="/policies/robots.txt"))
        self.robots_moved.routes["/policies/robots.txt"] = respond(http_response(503, b"<html><body>Busy</body></html>"))
        for server, number in ((self.robots_timeout, 1), (self.robots_500, 2), (self.robots_moved, 3)):
            server.routes["/story.html"] = respond(http_response(200, article_page(ENGLISH[number], server.base).encode()))
        self.internal.routes["/internal.html"] = respond(
            http_response(200, b"<html><body><article><h1>INTERNAL</h1><p>internal secret</p></article></body></html>")
        )

    @property
    def servers(self) -> list[RawServer]:
        return [self.main, self.robots_timeout, self.robots_500, self.robots_moved, self.internal]

    def start(self) -> HostileWeb:
        for server in self.servers:
            server.start()
        return self

    def stop(self) -> None:
        for server in self.servers:
            server.stop()

    def sources(self, depth: int = 3) -> list[dict]:
        """The config.yaml sources that crawl all of it."""
        base = self.main.base
        return [
            {
                "name": "hostile",
                "feeds": [f"{base}/feed.xml", f"{base}/feed-malformed.xml", f"{base}/feed-bomb.xml"],
                "sitemaps": [f"{base}/sitemap-malformed.xml", f"{base}/sitemap-bomb.xml", f"{base}/sitemap-big.xml"],
                "sections": [f"{base}/calendar/2026-11-27/"],
                "follow": ["/calendar/"],
                "depth": depth,
            },
            {"name": "robots-timeout", "urls": [f"{self.robots_timeout.base}/story.html"]},
            {"name": "robots-500", "urls": [f"{self.robots_500.base}/story.html"]},
            {"name": "robots-moved", "urls": [f"{self.robots_moved.base}/story.html"]},
        ]

    @property
    def good(self) -> list[Article]:
        """The articles on the hostile site that must be archived."""
        return ENGLISH + [page.article for page in ENCODED]
