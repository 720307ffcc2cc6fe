"""How far a difference between two extractions' figures could move on other sites: 95% intervals from redrawing the corpus by site.

The corpus is a sample of sites, and a figure's difference between two extractions of
the same pages (ours and plain trafilatura, or the whole code and the code without one
rule) would come out otherwise on other sites. So every figure's difference is given
with a 95% interval from a paired bootstrap over sites: the pages are grouped by site
(:func:`bench.corpus.site_of`, the unit the dev/check split draws), the sites are drawn
again with replacement as many times as there are draws, both extractions are scored on
each draw's pages, and the interval is the 2.5th to 97.5th percentile of the differences.
Pages of one site are drawn together, as they share a template and err together. An
interval that holds zero says the corpus cannot tell the two apart on that figure. One
extraction's own figures get the same intervals; where a figure is a share of a count
(titles right, snippets found), its interval is at least the Wilson score interval of
that count, since redrawing 52 pages that are all right can only give all right again.
"""

from __future__ import annotations

import math
import random
import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Any

from bench.corpus import Page, site_of
from bench.scoring import figures_of, page_tally

DRAWS = 1000
Z95 = 1.959964  # the normal quantile of a two-sided 95% interval
# The figures that are shares of a count, as (the count, out of what) in a tally.
SHARES = {
    "metadata/title": ("metadata/title", "metadata/pages"),
    "metadata/authors": ("metadata/authors", "metadata/pages"),
    "metadata/day": ("metadata/day", "metadata/pages"),
    "boilerplate/with_found": ("boilerplate/found", "boilerplate/with"),
    "boilerplate/without_leaked": ("boilerplate/leaked", "boilerplate/without"),
}
Interval = tuple[float, float, float]  # the difference on the pages as they are, then its 95% interval


def flat_figures(tally: Counter[str]) -> dict[str, float]:
    """Every figure of a tally as ``collection/figure`` (page counts aside)."""
    return {
        f"{collection}/{name}": value
        for collection, figures in figures_of(tally).items()
        for name, value in figures.items()
        if name != "pages"
    }


def _site_tallies(pages: Sequence[Page], found: Sequence[dict[str, Any] | None]) -> dict[str, Counter[str]]:
    sites: dict[str, Counter[str]] = {}
    for page, fields in zip(pages, found):
        sites.setdefault(site_of(page.url), Counter()).update(page_tally(page.collection, page.truth, fields or {}))
    return sites


def _summed(tallies: list[Counter[str]]) -> Counter[str]:
    total: Counter[str] = Counter()
    for site in tallies:
        total.update(site)
    return total


def difference_intervals(
    pages: Sequence[Page],
    first: Sequence[dict[str, Any] | None],
    second: Sequence[dict[str, Any] | None] | None = None,
    draws: int = DRAWS,
    seed: int = 0,
) -> dict[str, Interval]:
    """For each figure, ``first``'s minus ``second``'s on these pages and the 95% interval of that difference over
    ``draws`` redraws of the pages' sites (the same sites for both: the comparison is paired). Without ``second``,
    ``first``'s own figures and their intervals."""
    ones = _site_tallies(pages, first)
    others = _site_tallies(pages, second) if second is not None else {}
    sites = sorted(ones)

    def difference(drawn: list[str]) -> dict[str, float]:
        one = flat_figures(_summed([ones[site] for site in drawn]))
        if second is None:
            return one
        other = flat_figures(_summed([others[site] for site in drawn]))
        return {name: value - other[name] for name, value in one.items() if name in other}

    whole = difference(sites)
    random_sites = random.Random(seed)
    differences: dict[str, list[float]] = {name: [] for name in whole}
    for _ in range(draws):
        # A draw without a page of a figure's collection says nothing about that figure.
        for name, value in difference(random_sites.choices(sites, k=len(sites))).items():
            differences[name].append(value)
    intervals = {}
    all_pages = _summed(list(ones.values()))
    for name, point in whole.items():
        values = differences[name]
        low, high = statistics.quantiles(values, n=40, method="inclusive")[::38] if len(values) > 1 else (point, point)
        if second is None and name in SHARES:
            # Redrawing pages that are all right gives all right again: a share is at least as unsure as its count.
            least_low, least_high = wilson(*(all_pages[key] for key in SHARES[name]))
            low, high = min(low, least_low), max(high, least_high)
        intervals[name] = (point, low, high)
    return intervals


def wilson(count: float, total: float) -> tuple[float, float]:
    """The Wilson score 95% interval of a share of ``count`` in ``total`` (sound at 0 and at all, unlike a redraw)."""
    if not total:
        return 0.0, 1.0
    share, spread = count / total, Z95 * Z95 / total
    centre = (share + spread / 2) / (1 + spread)
    half = Z95 * math.sqrt(share * (1 - share) / total + spread / total / 4) / (1 + spread)
    return max(0.0, centre - half), min(1.0, centre + half)


def as_gain(name: str, interval: Interval) -> Interval:
    """A difference made a gain: for leaked furniture, where less is better, the sign turns."""
    if not name.endswith("leaked"):
        return interval
    point, low, high = interval
    return -point, -high, -low


def excludes_zero(interval: Interval) -> bool:
    """Whether the corpus tells the two extractions apart on this figure."""
    return interval[1] > 0 or interval[2] < 0
