"""Scores of extracted pages against the corpus truth, one function per measure."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import Any

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str | None) -> Counter[tuple[str, ...]]:
    """The multiset of 4-token shingles; a shorter text is one shorter shingle."""
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1)))


def shingle_counts(truth: str | None, prediction: str | None) -> tuple[int, int, int]:
    """True positives, false positives and false negatives of one page's shingles."""
    true, pred = shingles(truth), shingles(prediction)
    return sum((true & pred).values()), sum((pred - true).values()), sum((true - pred).values())


def _page_ratio(hit: float, miss: float, other_miss: float) -> float:
    if miss == other_miss == 0:
        return 1.0
    if hit == miss == 0:
        return 0.0
    return hit / (hit + miss)


def page_ratios(tp: int, fp: int, fn: int) -> tuple[float | None, float | None]:
    """One page's shingle precision and recall; None for a ratio the page has nothing to measure by."""
    total = tp + fp + fn
    if not total:
        return None, None
    hit, extra, missed = tp / total, fp / total, fn / total
    precision = _page_ratio(hit, extra, missed) if hit + extra > 0 else None
    recall = _page_ratio(hit, missed, extra) if hit + missed > 0 else None
    return precision, recall


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def body_scores(counts: Iterable[tuple[int, int, int]]) -> dict[str, float]:
    """Precision, recall and F1 over pages, each page weighing the same (the benchmark's rule)."""
    ratios = [page_ratios(*page) for page in counts]
    precisions = [precision for precision, _ in ratios if precision is not None]
    recalls = [recall for _, recall in ratios if recall is not None]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    return {"precision": precision, "recall": recall, "f1": f1(precision, recall)}


def fold(text: str | None) -> str:
    """Text with case, punctuation and spacing aside: lower-case word characters, one space apart."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(_TOKEN.findall(text))


def same_title(truth: str, found: str | None) -> bool:
    return bool(found) and fold(truth) == fold(found)


def same_authors(truth: list[str], found: list[str] | None) -> bool:
    """The same set of names, case, punctuation and spacing aside."""
    return {fold(name) for name in truth} == {fold(name) for name in found or []}


def same_day(truth: str, found: str | None) -> bool:
    """The same calendar day as the page states it (the date part of the ISO string)."""
    return bool(found) and truth[:10] == str(found).strip()[:10]


def squash(text: str | None) -> str:
    """Text with runs of whitespace made one space, for snippet look-ups."""
    return " ".join((text or "").split())


def snippet_shares(with_: list[str], without: list[str], text: str | None) -> tuple[int, int]:
    """How many ``with`` snippets the text holds, and how many ``without`` snippets leaked into it."""
    body = squash(text)
    return sum(squash(s) in body for s in with_), sum(squash(s) in body for s in without)


def page_tally(collection: str, truth: dict[str, Any], fields: dict[str, Any]) -> Counter[str]:
    """What one page of a collection adds to the sums its figures are made of (see :func:`figures_of`)."""
    tally: Counter[str] = Counter({f"{collection}/pages": 1})
    text = fields.get("text")
    if collection in ("articles", "metadata"):
        body = "articles/" if collection == "articles" else "metadata/body_"
        for name, ratio in zip(("precision", "recall"), page_ratios(*shingle_counts(truth["body"], text))):
            if ratio is not None:
                tally[body + name] += ratio
                tally[f"{body}{name}_pages"] += 1
    if collection == "metadata":
        tally["metadata/title"] += same_title(truth["title"], fields.get("title"))
        tally["metadata/authors"] += same_authors(truth["authors"], fields.get("authors"))
        tally["metadata/day"] += same_day(truth["published"], fields.get("published"))
    if collection == "boilerplate":
        found, leaked = snippet_shares(truth["with"], truth["without"], text)
        tally.update({"boilerplate/found": found, "boilerplate/with": len(truth["with"])})
        tally.update({"boilerplate/leaked": leaked, "boilerplate/without": len(truth["without"])})
    return tally


def summed(tallies: Iterable[Counter[str]]) -> Counter[str]:
    """Pages' tallies added up, in order (so float sums come out the same however the pages are grouped first)."""
    total: Counter[str] = Counter()
    for tally in tallies:
        total.update(tally)
    return total


def _mean(tally: Counter[str], name: str) -> float:
    return tally[name] / tally[f"{name}_pages"] if tally[f"{name}_pages"] else 0.0


def figures_of(tally: Counter[str]) -> dict[str, dict[str, float]]:
    """Each collection's figures from its pages' summed tallies: body precision and recall are means over pages
    (each page weighing the same), title, authors and day the share of pages right, the snippet figures shares of
    all snippets."""
    figures: dict[str, dict[str, float]] = {}
    if pages := tally["articles/pages"]:
        precision, recall = _mean(tally, "articles/precision"), _mean(tally, "articles/recall")
        figures["articles"] = {"pages": pages, "precision": precision, "recall": recall, "f1": f1(precision, recall)}
    if pages := tally["metadata/pages"]:
        figures["metadata"] = {"pages": pages, **{name: tally[f"metadata/{name}"] / pages for name in ("title", "authors", "day")}}
        figures["metadata"]["body_f1"] = f1(_mean(tally, "metadata/body_precision"), _mean(tally, "metadata/body_recall"))
    if pages := tally["boilerplate/pages"]:
        figures["boilerplate"] = {
            "pages": pages,
            "with_found": tally["boilerplate/found"] / max(1, tally["boilerplate/with"]),
            "without_leaked": tally["boilerplate/leaked"] / max(1, tally["boilerplate/without"]),
        }
    return figures
