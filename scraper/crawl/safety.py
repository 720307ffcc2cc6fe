"""Guards against the hostile web: where requests may go, and which responses get through.

Each guard is a Scrapy middleware registered in ``scraper/settings.py``. A guard
that refuses something raises a :class:`~scraper.crawl.faults.Fault`; the spider's
errback records it and counts it by kind, with one log line.
"""

from __future__ import annotations

import codecs
import ipaddress
import logging
import re
from collections.abc import AsyncIterator
from pyexpat import ExpatError, ParserCreate
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares import httpcompression, redirect
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.gz import gunzip
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import DNSLookupError
from w3lib.encoding import read_bom

from scraper.crawl.counts import counter
from scraper.crawl.faults import BlockedAddress, Fault, count_fault
from scraper.crawl.urls import normalize_url
from scraper.extract.charset import html_encoding

logger = logging.getLogger(__name__)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
WEB_SCHEMES = ("http", "https")
# http-equiv="refresh", the attribute of a meta refresh tag, in any quoting; searched in
# lowercased bytes, so in any case.
_META_REFRESH = re.compile(rb"http-equiv[^>]*refresh")


Origin = tuple[str, str, int]  # scheme, host, port
_DEFAULT_PORTS = {"http": 80, "https": 443}

# Host names some source of this process is configured on: the only names whose answers may be
# private addresses. One set per process, as the reactor's resolver is one per process; each
# source's own origins are enforced per request by PublicAddressMiddleware.
_CONFIGURED_NAMES: set[str] = set()


def origin(url: str) -> Origin | None:
    """(scheme, host, port) of a URL, the port spelled out; None when it has no host or a bad port."""
    parts = urlsplit(url)
    try:
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme, 0)
    except ValueError:
        return None
    return (parts.scheme, parts.hostname, port) if parts.hostname else None


def ip_literal(host: str) -> Address | None:
    """The address an IP literal host stands for (IPv4-mapped IPv6 as IPv4); None for a name."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


async def resolve(host: str) -> Address:
    """The address a host name or IP literal stands for; raises ``DNSLookupError`` when
    it does not resolve, :class:`~scraper.crawl.faults.BlockedAddress` when the resolver refused it.

    Names go through the reactor's resolver (:class:`GuardedResolver`), cached: the
    same cache the download then connects with.
    """
    address = ip_literal(host)
    if address is None:
        from twisted.internet import reactor

        address = ip_literal(await maybe_deferred_to_future(reactor.resolve(host)))
        if address is None:
            raise DNSLookupError(f"{host}: the resolver's answer is not an address")
    return address


def is_public(address: Address) -> bool:
    """Whether an address is on the public internet (not loopback, link-local, private, ...)."""
    return address.is_global and not address.is_multicast


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, which refuses to answer a private address for a name no
    source is configured on (``TWISTED_DNS_RESOLVER``).

    :class:`PublicAddressMiddleware` checks each request's address before it is sent;
    the download then resolves the name again to connect, through this resolver,
    so a name whose answer changes in between (DNS rebinding, an evicted cache
    entry) cannot lead the connection to an address that did not pass.
    """

    def getHostByName(self, name: str, timeout: Any = ()) -> Any:
        return super().getHostByName(name, timeout).addCallback(self._admit, name)

    @staticmethod
    def _admit(answer: str, name: str) -> str:
        address = ip_literal(answer)
        if ip_literal(name) is None and name.lower() not in _CONFIGURED_NAMES and (address is None or not is_public(address)):
            raise BlockedAddress(f"{name} resolved to {answer}, not a public address")
        return answer


class PublicAddressMiddleware:
    """Fetch only http(s) URLs on public addresses, or on the exact origins configured for
    the request's own source.

    A feed, sitemap or page can link anywhere; without this guard a hostile one
    could make the archiver fetch and archive the cloud metadata service
    (169.254.169.254) or a page on the machine's own network. A name that does not
    resolve is refused (``dns``) rather than left to the download, which would ask
    again and might get another answer. A source on a private host is allowed that
    origin alone (scheme, host and port as configured), for its own requests only:
    never another port of the host, never for another source of the crawler.
    Redirects and robots.txt requests pass through here too.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self._origins: dict[str | None, set[Origin]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PublicAddressMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        url = urlparse_cached(request)
        if url.scheme not in WEB_SCHEMES:
            raise Fault("blocked_scheme", f"{request.url}: only http and https URLs are fetched")
        allowed = self.allowed_origins(request.meta.get("source"))
        host = url.hostname or ""
        try:
            address = await resolve(host)
        except BlockedAddress as exc:
            raise Fault("blocked_address", f"{request.url}: {exc}") from None
        except DNSLookupError:
            raise Fault("dns", f"{request.url}: {host} does not resolve; not fetched, tried again next crawl") from None
        if is_public(address) or origin(request.url) in allowed:
            return
        raise Fault("blocked_address", f"{request.url}: {address} is not a public address nor an origin configured for its source")

    def allowed_origins(self, source: str | None) -> set[Origin]:
        """The origins configured for the source (its feeds, sitemaps, sections and urls; the
        site `discover` was asked about). A request of no source (robots.txt) may go to
        those of every source of the spider: it is made only for the origin of a request that passed."""
        if source not in self._origins:
            own_urls = getattr(self.crawler.spider, "own_urls", None)
            origins = {found for url in (own_urls(source) if own_urls else []) if (found := origin(url))}
            _CONFIGURED_NAMES.update(host for _, host, _ in origins if ip_literal(host) is None)
            self._origins[source] = origins
        return self._origins[source]


class ResponseGuardMiddleware:
    """Check what a response really is before a spider reads it.

    - Feeds and sitemaps that declare XML entities are refused (``xml_entities``):
      that is how the billion-laughs bomb and external-entity reads work, and no
      honest feed needs them. Malformed ones are counted (``malformed_xml``) and
      still read as far as the lenient parsers can.
    - A gzipped sitemap that unpacks beyond ``DOWNLOAD_MAXSIZE`` is refused.
    - An "HTML" page whose bytes are a PDF, an image or other binary becomes a
      plain response, which the spider records as ``not_html``.
    - An HTML section page is decoded with the encoding its bytes are really in
      (:func:`scraper.extract.charset.html_encoding`), whatever its header says; article
      pages are decoded the same way by extraction, in its worker processes.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResponseGuardMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("kind") in ("feed", "sitemap"):
            self.check_xml(response, request.meta.get("source"))
            return response
        if not isinstance(response, HtmlResponse):
            return response
        if looks_binary(response.body):
            return Response(
                response.url,
                status=response.status,
                headers=response.headers,
                body=response.body,
                request=response.request,
                flags=response.flags,
            )
        if request.meta.get("kind") == "article":
            return response  # extraction decodes it (scraper.extract.charset.decode_html), off the event loop
        encoding = html_encoding(response.body, response.headers.get("Content-Type", b"").decode("latin-1"))
        if encoding and encoding != response.encoding:
            return response.replace(encoding=encoding)
        return response

    def check_xml(self, response: Response, source: str | None) -> None:
        body = response.body
        if response.status != 200:
            return  # a 304 has no body to read
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=self.max_size)
            except ValueError as exc:  # over the size limit (or not gzip at all)
                raise Fault("too_large_unpacked", f"{response.url}: {exc}") from None
            except (OSError, EOFError):
                raise Fault("bad_gzip", f"{response.url}: not a valid gzip file") from None
        problem = xml_problem(body)
        if problem == "xml_entities":
            raise Fault(problem, f"{response.url}: declares XML entities, refused unread")
        if problem:
            count_fault(counter(self.crawler.stats, source), problem)
            logger.warning("%s: %s, read as far as it goes", response.url, problem.replace("_", " "))


class _EntityDeclared(Exception):
    pass


def _refuse_entity(*args: Any) -> None:
    raise _EntityDeclared


_ENTITY = "<!ENTITY"
# "<!ENTITY" in every encoding an XML parser may pick from the first bytes (XML 1.0,
# appendix F: UTF-8 and its ASCII-compatible kin, UTF-16 and UTF-32 either way round,
# EBCDIC), found wherever it is, whatever comes before it.
_ENTITY_BYTES = {
    _ENTITY.encode(codec) for codec in ("ascii", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "cp037", "cp500", "cp1140")
}
# The first bytes of a document without a BOM, and the encoding family they reveal (appendix F).
_SIGNATURES = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x4c\x6f\xa7\x94", "cp037"),  # "<?xm" in EBCDIC
)
_DECLARED_ENCODING = re.compile(r"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def xml_text(body: bytes) -> str:
    """An XML document's text, decoded as a parser would: by its BOM, else by what its
    first bytes are (UTF-16 or UTF-32 without a BOM, EBCDIC), else by the encoding it
    declares, else as UTF-8. Undecodable bytes become U+FFFD."""
    bom, _ = read_bom(body[:4])
    if body.startswith((b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")):  # before UTF-16's: it starts the same
        bom = "utf-32"
    encoding = bom or next((codec for signature, codec in _SIGNATURES if body.startswith(signature)), None)
    head = body[:1024].decode(encoding or "latin-1", "replace")
    declared = _DECLARED_ENCODING.match(head.lstrip("\ufeff"))
    if not bom and declared:
        try:
            encoding = codecs.lookup(declared.group(1)).name
        except LookupError:
            pass  # an encoding Python does not know: no parser reads it either
    return body.decode(encoding or "utf-8", "replace")


def xml_problem(body: bytes) -> str | None:
    """``xml_entities`` when the document declares entities (in whatever encoding it is
    written), ``malformed_xml`` when it is XML but not well-formed, None when it is fine or
    not XML at all (a JSON Feed, a robots.txt). Decided on the text decoded once; nothing is
    expanded or fetched."""
    text = xml_text(body)
    if _ENTITY in text or any(pattern in body for pattern in _ENTITY_BYTES):
        return "xml_entities"
    text = text.lstrip()  # str.lstrip: every Unicode space (\x0b, \x0c, no-break space, BOM)
    if not text.startswith("<"):
        return None
    parser = ParserCreate("utf-8")  # the text is decoded already: this overrides its declaration
    parser.EntityDeclHandler = _refuse_entity
    try:
        parser.Parse(text.encode("utf-8", "replace"), True)
    except _EntityDeclared:
        return "xml_entities"
    except ExpatError:
        return "malformed_xml"
    return None


_BINARY_MAGIC = (b"%PDF-", b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"PK\x03\x04", b"\x1f\x8b", b"RIFF", b"\x00\x00\x01\x00")


def looks_binary(body: bytes) -> bool:
    """Whether a body is a known binary format, or has the NUL bytes no HTML text has."""
    head = body[:1024]
    if read_bom(head)[0]:
        return False  # UTF-16 text is full of NULs
    return head.startswith(_BINARY_MAGIC) or b"\x00" in head


class _RedirectRules:
    """What both redirect middlewares add to Scrapy's: loops and limits are counted faults,
    and no Referer header (settings.py switches Scrapy's Referer middleware off)."""

    def handle_referer(self, request: Request, response: Response) -> None:
        request.headers.pop("Referer", None)

    def _engine_started(self) -> None:
        """Scrapy's looks for its Referer middleware here, and warns when it is off."""

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        # Scrapy's duplicate filter would drop a loop's second round silently; name it instead.
        if redirected.url in (*request.meta.get("redirect_urls", ()), request.url):
            raise Fault("redirect_loop", f"{request.url}: redirects in a loop")
        try:
            redirected = super()._redirect(redirected, request, reason)  # type: ignore[misc]
        except IgnoreRequest:
            raise Fault("too_many_redirects", f"{request.url}: more redirects than REDIRECT_MAX_TIMES") from None
        claimed = getattr(self.crawler.spider, "claimed", None)  # type: ignore[attr-defined]
        if claimed is not None and request.meta.get("kind") == "article":
            # Article requests skip Scrapy's duplicate filter (spiders/base.py): the run's
            # claimed URLs decide, so two links to one story, one redirecting, fetch it once.
            target = normalize_url(redirected.url)
            if target in claimed and target != normalize_url(request.url):
                raise IgnoreRequest(f"{request.url} redirects to {target}, requested already")
            claimed.add(target)
        return redirected


class RedirectMiddleware(_RedirectRules, redirect.RedirectMiddleware):
    """Scrapy's redirects; a loop and a redirect off the web (``file:``, ``ftp:``) are counted faults."""

    def process_response(self, request: Request, response: Response) -> Request | Response:
        result = super().process_response(request, response)
        location = response.headers.get("Location")
        if result is response and location and 300 <= response.status < 400 and not request.meta.get("dont_redirect"):
            target = urljoin(request.url, location.decode("latin-1"))
            if urlsplit(target).scheme not in WEB_SCHEMES:
                raise Fault("blocked_scheme", f"{request.url}: redirect to {target[:100]} not followed")
        return result


class MetaRefreshMiddleware(_RedirectRules, redirect.MetaRefreshMiddleware):
    """Scrapy's ``<meta http-equiv=refresh>`` redirects; a loop is a counted fault."""

    def process_response(self, request: Request, response: Response) -> Request | Response:
        # Scrapy decodes the whole page to look for the tag among its first 4,096 characters;
        # the bytes (up to 4 per character) say first whether there can be one at all.
        # "refresh" alone is in a tenth of news pages (scripts, class names); the tag's
        # attribute is in a fiftieth. (Lowercasing first is 5 times faster than IGNORECASE.)
        if not _META_REFRESH.search(response.body[: 4 * 4096].lower()):
            return response
        return super().process_response(request, response)


class HttpCompressionMiddleware(httpcompression.HttpCompressionMiddleware):
    """Scrapy's decompression, which stops at DOWNLOAD_MAXSIZE; a gzip bomb is a counted fault."""

    def process_response(self, request: Request, response: Response) -> Request | Response:
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            raise Fault("too_large_unpacked", str(exc)) from None


class EntryLimitMiddleware:
    """Take at most ``NEWSARCHIVE_MAX_ENTRIES`` requests from one feed, sitemap or page.

    A sitemap may list 50,000 URLs and a generated calendar links on forever; the
    rest are left for the next crawl (already archived URLs are not requested
    again, so each crawl takes the next ones). Counted as ``too_many_entries``.
    """

    def __init__(self, crawler: Crawler, limit: int):
        self.crawler = crawler
        self.limit = limit

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EntryLimitMiddleware:
        return cls(crawler, crawler.settings.getint("NEWSARCHIVE_MAX_ENTRIES"))

    async def process_spider_output(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        taken = 0
        async for output in result:
            if isinstance(output, Request):
                if self.limit and taken == self.limit:
                    count_fault(counter(self.crawler.stats, response.meta.get("source")), "too_many_entries")
                    logger.warning("%s: more than %d new links; the rest wait for the next crawl", response.url, self.limit)
                    return
                taken += 1
            yield output

