"""The shared corpus of real pages with ground truth (layout in its README.md)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

COLLECTIONS = ("articles", "metadata", "boilerplate")
DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@dataclass
class Page:
    """One corpus page: where it lives, what was served, what a person judged to be in it."""

    collection: str
    id: str
    url: str
    html: str
    truth: dict[str, Any]


def load_corpus(root: Path, collections: tuple[str, ...] = COLLECTIONS, limit: int | None = None) -> list[Page]:
    """Every page of the named collections (the first ``limit`` of each when given)."""
    pages = []
    for collection in collections:
        folder = root / collection
        with open(folder / "truth.jsonl", encoding="utf-8") as lines:
            truths = [json.loads(line) for line in lines if line.strip()]
        for truth in truths[:limit]:
            raw = gzip.decompress((folder / "pages" / f"{truth['id']}.html.gz").read_bytes())
            pages.append(Page(collection, truth["id"], truth["url"], raw.decode("utf-8", errors="replace"), truth))
    return pages
