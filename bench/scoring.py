"""Scores of extracted pages against the corpus truth, one function per measure."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

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


def body_scores(counts: Iterable[tuple[int, int, int]]) -> dict[str, float]:
    """Precision, recall and F1 over pages, each page weighing the same (the benchmark's rule)."""
    normalised = [(tp / total, fp / total, fn / total) for tp, fp, fn in counts if (total := tp + fp + fn)]
    precisions = [_page_ratio(tp, fp, fn) for tp, fp, fn in normalised if tp + fp > 0]
    recalls = [_page_ratio(tp, fn, fp) for tp, fp, fn in normalised if tp + fn > 0]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


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
