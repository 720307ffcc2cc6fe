"""Extraction as a library: HTML in, an article out, with no crawler, network or archive.

One public call, :func:`extract`, returns an :class:`Article`. Its modules are named
for what they decide: ``metadata`` (what the page states about itself), ``titles``,
``authors``, ``dates``, ``body`` (the article text), ``furniture`` (the last net for
page furniture), ``parsing`` and ``charset`` (bytes to one lxml tree), ``folding``
(comparing texts), ``text`` (text every UTF-8 encoder takes).
"""

from __future__ import annotations

from typing import Any

__all__ = ["Article", "extract"]


def __getattr__(name: str) -> Any:
    # Loaded when first asked for: the archive and the command line use the light modules
    # (``text``) without paying for trafilatura and the voters.
    if name in __all__:
        from scraper.extract import article

        return getattr(article, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
