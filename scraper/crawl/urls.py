"""One URL per article: the canonical form used as the archive's key."""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlsplit

import courlan


def normalize_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters
    (``utm_*``, ``fbclid``, ``gclid``, ...), query parameters sorted."""
    url = urldefrag(url.strip())[0]
    try:
        return courlan.normalize_url(url, strict=False)
    except ValueError:
        return url


def _site(host: str | None) -> str:
    host = (host or "").lower()
    return host[4:] if host.startswith("www.") else host


def article_key(fetched_url: str, canonical: str | None) -> str:
    """The URL an article is stored under: the canonical URL the page declares when it is
    on the same site, else the (normalised) fetched URL.

    A canonical on another site (syndicated copies) or pointing at the home page (a
    common CMS misconfiguration that would fold every story into one row) is ignored.
    """
    fetched_url = normalize_url(fetched_url)
    if not canonical:
        return fetched_url
    target = urlsplit(normalize_url(urljoin(fetched_url, canonical.strip())))
    if target.scheme not in ("http", "https") or target.path in ("", "/"):
        return fetched_url
    if _site(target.hostname) != _site(urlsplit(fetched_url).hostname):
        return fetched_url
    return target.geturl()
