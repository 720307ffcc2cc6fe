"""Scoring of extracted text against human ground truth.

The body metric is the one defined in ../shared/corpus/README.md (the public
article-extraction benchmark's): multisets of 4-token shingles, every page
weighing the same, precision and recall averaged over pages, F1 of the means.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str | None) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < SHINGLE:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))


@dataclass
class PageScore:
    tp: float
    fp: float
    fn: float


def score_page(truth: str | None, predicted: str | None) -> PageScore:
    """True/false positives/negatives of one page, normalised to sum to one."""
    expected, got = shingles(truth), shingles(predicted)
    tp = sum((expected & got).values())
    fp = sum((got - expected).values())
    fn = sum((expected - got).values())
    total = tp + fp + fn
    if total == 0:
        return PageScore(0.0, 0.0, 0.0)
    return PageScore(tp / total, fp / total, fn / total)


@dataclass
class BodyScore:
    precision: float
    recall: float
    f1: float
    pages: int


def body_score(pages: Iterable[PageScore]) -> BodyScore:
    """Mean page precision and recall, and the F1 of those means."""
    precisions, recalls, count = [], [], 0
    for page in pages:
        count += 1
        if page.tp + page.fp > 0:
            precisions.append(page.tp / (page.tp + page.fp))
        if page.tp + page.fn > 0:
            recalls.append(page.tp / (page.tp + page.fn))
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BodyScore(precision, recall, f1, count)
