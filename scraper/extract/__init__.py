"""Extraction as a library: HTML in, an article out, with no crawler, network or archive.

One public call, :func:`extract`, returns an :class:`Article`. Its modules are named
for what they decide: ``metadata`` (what the page states about itself), ``titles``,
``authors``, ``dates``, ``body`` (the article text), ``furniture`` (the last net for
page furniture), ``parsing`` and ``charset`` (bytes to one lxml tree), ``folding``
(comparing texts).
"""

from scraper.extract.article import Article, extract

__all__ = ["Article", "extract"]
