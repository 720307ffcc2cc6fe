"""One URL per article: the canonical form used as the archive's key."""

from __future__ import annotations

from urllib.parse import urldefrag

import courlan


def normalize_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters
    (``utm_*``, ``fbclid``, ``gclid``, ...), query parameters sorted."""
    url = urldefrag(url.strip())[0]
    try:
        return courlan.normalize_url(url, strict=False)
    except ValueError:
        return url
