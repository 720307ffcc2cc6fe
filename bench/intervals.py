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
from collections.abc import Callable, Collection, Sequence

from bench.corpus import Page, site_of
from bench.scoring import figures_of, summed

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
Interval = tuple[float, float, float]  # a figure (or a difference in one) on the pages as they are, then its 95% interval
Figures = Callable[[list[str]], dict[str, float]]  # the figures of the pages of some drawn sites


def flat_figures(tally: Counter[str]) -> dict[str, float]:
    """Every figure of a tally as ``collection/figure`` (page counts aside)."""
    return {
        f"{collection}/{name}": value
        for collection, figures in figures_of(tally).items()
        for name, value in figures.items()
        if name != "pages"
    }


def _by_site(pages: Sequence[Page], tallies: Sequence[Counter[str]]) -> dict[str, Counter[str]]:
    sites: dict[str, list[Counter[str]]] = {}
    for page, tally in zip(pages, tallies):
        sites.setdefault(site_of(page.url), []).append(tally)
    return {site: summed(site_tallies) for site, site_tallies in sites.items()}


def _redrawn(sites: list[str], figures: Figures, draws: int, seed: int) -> dict[str, Interval]:
    """Each figure on all the sites, with the 2.5th and 97.5th percentiles of it over ``draws`` redraws of the sites."""
    whole = figures(sites)
    random_sites = random.Random(seed)
    values: dict[str, list[float]] = {name: [] for name in whole}
    for _ in range(draws):
        # A draw without a page of a figure's collection says nothing about that figure.
        for name, value in figures(random_sites.choices(sites, k=len(sites))).items():
            values[name].append(value)
    intervals = {}
    for name, point in whole.items():
        low, high = statistics.quantiles(values[name], n=40, method="inclusive")[::38] if len(values[name]) > 1 else (point, point)
        intervals[name] = (point, low, high)
    return intervals


def figure_intervals(pages: Sequence[Page], tallies: Sequence[Counter[str]], draws: int = DRAWS, seed: int = 0) -> dict[str, Interval]:
    """Each figure of one extraction (its pages' ``tallies``) with its 95% interval over ``draws`` redraws of the sites;
    a share of a count no narrower than the count's Wilson interval."""
    sites = _by_site(pages, tallies)
    intervals = _redrawn(sorted(sites), lambda drawn: flat_figures(summed(sites[site] for site in drawn)), draws, seed)
    total = summed(tallies)
    for name, (point, low, high) in intervals.items():
        if name in SHARES:
            # Redrawing pages that are all right gives all right again: a share is at least as unsure as its count.
            least_low, least_high = wilson(*(total[key] for key in SHARES[name]))
            intervals[name] = (point, min(low, least_low), max(high, least_high))
    return intervals


def difference_intervals(
    pages: Sequence[Page], first: Sequence[Counter[str]], second: Sequence[Counter[str]], draws: int = DRAWS, seed: int = 0
) -> dict[str, Interval]:
    """For each figure, the first extraction's minus the second's (their pages' tallies) and the 95% interval of that
    difference over ``draws`` redraws of the sites (the same sites for both: the comparison is paired)."""
    ones, others = _by_site(pages, first), _by_site(pages, second)

    def difference(drawn: list[str]) -> dict[str, float]:
        one = flat_figures(summed(ones[site] for site in drawn))
        other = flat_figures(summed(others[site] for site in drawn))
        return {name: value - other[name] for name, value in one.items() if name in other}

    return _redrawn(sorted(ones), difference, draws, seed)


def sites_moved(
    pages: Sequence[Page], first: Sequence[Counter[str]], second: Sequence[Counter[str]], names: Collection[str]
) -> tuple[int, int]:
    """How many sites the first extraction does better on than the second in some of the figures ``names``, and how
    many worse.

    A rule whose whole gain stands on one site was written for that site's template,
    whatever its name says; a gain that recurs across sites is a kind of page."""
    ones, others = _by_site(pages, first), _by_site(pages, second)
    better = worse = 0
    for site, tally in ones.items():
        one, other = flat_figures(tally), flat_figures(others[site])
        gains = [as_gain(name, (value - other[name], 0.0, 0.0))[0] for name, value in one.items() if name in names and name in other]
        better += any(gain > 1e-12 for gain in gains)
        worse += any(gain < -1e-12 for gain in gains)
    return better, worse


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
