"""The shared corpus of real pages with ground truth (layout in its README.md), and its fixed dev/check split.

Every collection is split by site, so no site has pages on both sides: a page's site is
the registered domain of its URL (``courlan.extract_domain``: ``www.bbc.co.uk`` ->
``bbc.co.uk``; for the few ids that are no URL, such as ``hard::elfaro.net-asamblea.html``,
the first two dot-separated labels of the name, ``elfaro.net``). The SHA-1 of that
name, read as a number, modulo 3 sorts the site: remainders 0 and 1 are **dev** (about
two thirds), 2 is **check**. Rules are written looking at dev pages only; check pages
are read as aggregate figures only, never one by one.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from courlan import extract_domain

COLLECTIONS = ("articles", "metadata", "boilerplate")
SPLITS = ("dev", "check")
DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "shared" / "corpus"
_CHECK_REMAINDER = 2  # of 3: one site in three is held out for checking
_SCRIPT = re.compile(r"<script\b.*?</script\s*>", re.IGNORECASE | re.DOTALL)
_META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)


@dataclass
class Page:
    """One corpus page: where it lives, what was served, what a person judged to be in it."""

    collection: str
    id: str
    url: str
    html: str
    truth: dict[str, Any]

    @property
    def split(self) -> str:
        return split_of(self.url)


def site_of(url: str) -> str:
    """The registered domain a page belongs to (see the module docstring for names that are no URL)."""
    if domain := extract_domain(url):
        return domain
    name = url.split("::")[-1]
    labels = name.split(".")
    return ".".join([labels[0], labels[1].split("-")[0]]) if len(labels) > 1 else name


def split_of(url: str) -> str:
    """``dev`` or ``check``, fixed by the page's site."""
    number = int(hashlib.sha1(site_of(url).encode("utf-8")).hexdigest(), 16)
    return "check" if number % 3 == _CHECK_REMAINDER else "dev"


def without_scripts(html: str) -> str:
    """The page as a cleaning tool saves it: every ``<script>`` gone, JSON-LD with them."""
    return _SCRIPT.sub("", html)


def without_meta(html: str) -> str:
    """The page as a reader tool may save it: no ``<script>`` and no ``<meta>``, so only what the visible HTML and
    ``<title>`` say (no JSON-LD, OpenGraph, article:published_time, author or site name)."""
    return _META.sub("", without_scripts(html))


def add_stripping_options(parser: argparse.ArgumentParser) -> None:
    """The options that load every page as a cleaning tool would have saved it (see :func:`stripping`)."""
    parser.add_argument("--without-scripts", action="store_true", help="every page with its <script>s (so its JSON-LD) removed")
    parser.add_argument("--without-meta", action="store_true", help="every page with its <script>s and <meta> elements removed")


def stripping(options: argparse.Namespace) -> dict[str, bool]:
    """What the pages keep under :func:`add_stripping_options`, as :func:`load_corpus`'s ``scripts`` and ``meta``:
    a page without its meta elements is without its scripts too."""
    return {"scripts": not (options.without_scripts or options.without_meta), "meta": not options.without_meta}


def load_corpus(
    root: Path,
    collections: tuple[str, ...] = COLLECTIONS,
    limit: int | None = None,
    split: str = "all",
    scripts: bool = True,
    meta: bool = True,
) -> list[Page]:
    """Every page of the named collections in the split (``dev``, ``check`` or ``all``), the first ``limit`` of each.

    ``scripts=False`` loads every page :func:`without_scripts`, to measure what is left when no JSON-LD helps;
    ``meta=False`` every page :func:`without_meta`, when no meta element helps either.
    """
    pages = []
    for collection in collections:
        folder = root / collection
        with open(folder / "truth.jsonl", encoding="utf-8") as lines:
            truths = [json.loads(line) for line in lines if line.strip()]
        if split != "all":
            truths = [truth for truth in truths if split_of(truth["url"]) == split]
        for truth in truths[:limit]:
            raw = gzip.decompress((folder / "pages" / f"{truth['id']}.html.gz").read_bytes())
            html = raw.decode("utf-8", errors="replace")
            if not meta:
                html = without_meta(html)
            elif not scripts:
                html = without_scripts(html)
            pages.append(Page(collection, truth["id"], truth["url"], html, truth))
    return pages
