"""One URL per article: the canonical form used as the archive's key and the duplicate check,
and the URL as published, which is what is fetched."""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlsplit

import courlan
from w3lib.url import safe_url_string


def url_problem(url: str) -> str | None:
    """Why a URL a feed or sitemap lists cannot be requested at all ("Invalid IPv6 URL", a port
    out of range, no host), or None. Such a URL would stop the listing's other entries."""
    try:
        # What a Scrapy request makes of its URL, where such URLs fail.
        parts = urlsplit(safe_url_string(url.strip()))
    except ValueError as exc:
        return str(exc)
    return None if parts.hostname else "no host"


def normalize_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters
    (``utm_*``, ``fbclid``, ``gclid``, ...), query parameters sorted."""
    url = urldefrag(url.strip())[0]
    try:
        return courlan.normalize_url(url, strict=False)
    except ValueError:
        return url


def request_url(url: str) -> str:
    """The URL to fetch: exactly as the feed, sitemap or page lists it, without the fragment
    (never sent). The normalised form is only a key: path parameters (``;``), ``@``, ``//``
    and empty query parameters it rewrites are different URLs to a server (RFC 3986)."""
    return urldefrag(url.strip())[0]


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _site(url: str) -> tuple[str, str, int | None]:
    """What makes two URLs one site: scheme, host (``www.`` aside) and port. A page on a
    default port and its canonical on the other default port (http to https) are one site."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    try:
        port = parts.port
    except ValueError:
        return (parts.scheme, host, -1)
    if port in (None, _DEFAULT_PORTS.get(parts.scheme)):
        return ("default", host, None)
    return (parts.scheme, host, port)


def article_key(fetched_url: str, canonical: str | None) -> str:
    """The URL an article is stored under: the canonical URL the page declares when it is
    on the same site (scheme, host and port), else the (normalised) fetched URL.

    A canonical on another site (syndicated copies, another source on another port of
    the host) or pointing at the home page (a common CMS misconfiguration that would
    fold every story into one row) is ignored.
    """
    fetched_url = normalize_url(fetched_url)
    if not canonical:
        return fetched_url
    target = urlsplit(normalize_url(urljoin(fetched_url, canonical.strip())))
    if target.scheme not in ("http", "https") or target.path in ("", "/"):
        return fetched_url
    if _site(target.geturl()) != _site(fetched_url):
        return fetched_url
    return target.geturl()
