"""The quality bench's measures: figures summed page by page, and the 95% intervals of a difference from redrawing sites."""

from __future__ import annotations

from typing import Any

import pytest

from bench.corpus import Page
from bench.intervals import as_gain, difference_intervals, excludes_zero, figure_intervals, sites_moved, wilson
from bench.quality import page_tallies, score
from bench.scoring import body_scores, shingle_counts

BODY = "The council voted on Tuesday to keep the ferry running through the winter months, after a long debate."


def _metadata_page(site: str, number: int = 0) -> Page:
    truth = {"title": "Ferry stays", "authors": ["Jane Doe"], "published": "2024-03-05", "body": BODY}
    return Page("metadata", f"{site}-{number}", f"https://www.{site}.example/news/{number}", "", truth)


def _fields(title: str = "Ferry stays", text: str = BODY) -> dict[str, Any]:
    return {"title": title, "authors": ["Jane Doe"], "published": "2024-03-05T10:00:00+01:00", "text": text}


def test_figures_summed_page_by_page_are_the_benchmarks_figures() -> None:
    pages = [
        Page("articles", "a", "https://a.example/1", "", {"body": BODY}),
        Page("articles", "b", "https://b.example/1", "", {"body": BODY}),
        Page("boilerplate", "c", "https://c.example/1", "", {"with": ["ferry running"], "without": ["Back to top", "Share"]}),
        _metadata_page("d"),
    ]
    found = [
        {"text": BODY + " Back to top. Share this story with your friends."},
        {"text": BODY[:50]},
        {"text": "The ferry running late. Back to top"},
        _fields(title="Ferry stays | Gazette"),
    ]
    figures = score(pages, found)
    expected = body_scores(shingle_counts(BODY, fields["text"]) for fields in found[:2])
    assert figures["articles"] == {"pages": 2, **expected}
    assert 0 < expected["precision"] < 1 and 0 < expected["recall"] < 1
    assert figures["boilerplate"] == {"pages": 1, "with_found": 1.0, "without_leaked": 0.5}
    assert figures["metadata"] == {"pages": 1, "title": 0.0, "authors": 1.0, "day": 1.0, "body_f1": 1.0}


def test_the_same_extraction_twice_differs_by_nothing_however_the_sites_are_drawn() -> None:
    pages = [_metadata_page(f"site{number}") for number in range(12)]
    found = [_fields(title="Other" if number % 3 else "Ferry stays") for number in range(12)]
    for name, interval in difference_intervals(pages, page_tallies(pages, found), page_tallies(pages, found), draws=200).items():
        assert interval == (0.0, 0.0, 0.0), name


def test_a_difference_on_every_site_is_sure_and_one_on_a_single_site_is_not() -> None:
    pages = [_metadata_page(f"site{number}") for number in range(20)]
    right, wrong = _fields(), _fields(title="Gazette")
    everywhere = difference_intervals(pages, page_tallies(pages, [right] * 20), page_tallies(pages, [wrong] * 20), draws=200)
    assert everywhere["metadata/title"] == (1.0, 1.0, 1.0) and excludes_zero(everywhere["metadata/title"])
    once = difference_intervals(pages, page_tallies(pages, [right] * 20), page_tallies(pages, [wrong] + [right] * 19), draws=500)
    point, low, high = once["metadata/title"]
    assert point == pytest.approx(0.05) and low == 0.0 < point < high
    assert not excludes_zero(once["metadata/title"])  # one page of twenty sites is within what redrawing moves


def test_pages_of_one_site_are_drawn_together() -> None:
    """Ten pages of one site tell no more than the site does: every draw holds all of them, so nothing moves."""
    pages = [_metadata_page("gazette", number) for number in range(10)]
    found = [_fields(title="Ferry stays" if number < 7 else "Gazette") for number in range(10)]
    wrong = [_fields(title="Gazette")] * 10
    difference = difference_intervals(pages, page_tallies(pages, found), page_tallies(pages, wrong), draws=100)
    assert difference["metadata/title"] == pytest.approx((0.7, 0.7, 0.7))


def test_a_share_of_pages_all_right_is_no_surer_than_its_count() -> None:
    """Redrawing 52 pages that are all right gives all right again; the interval is still the count's (Wilson's)."""
    pages = [_metadata_page(f"site{number}") for number in range(52)]
    point, low, high = figure_intervals(pages, page_tallies(pages, [_fields()] * 52), draws=100)["metadata/day"]
    assert (point, high) == (1.0, 1.0) and low == pytest.approx(0.931, abs=0.001)
    assert wilson(51, 52) == pytest.approx((0.899, 0.997), abs=0.001)
    assert wilson(0, 0) == (0.0, 1.0)


def test_one_extractions_figures_have_intervals_of_their_own() -> None:
    pages = [_metadata_page(f"site{number}") for number in range(30)]
    found = [_fields(title="Ferry stays" if number % 4 else "Gazette") for number in range(30)]
    point, low, high = figure_intervals(pages, page_tallies(pages, found), draws=300)["metadata/title"]
    assert point == score(pages, found)["metadata"]["title"] and 0 <= low < point < high <= 1


def test_the_sites_a_change_helps_and_hurts_are_counted_once_each() -> None:
    """Two pages of one site count as one site; a site better in one figure and worse in another counts both ways."""
    pages = [_metadata_page("gazette", 0), _metadata_page("gazette", 1), _metadata_page("herald"), _metadata_page("post")]
    names = ["metadata/title", "metadata/authors"]
    whole = [_fields(), _fields(), {**_fields(), "authors": ["Sports Desk"]}, _fields()]
    without = [_fields(title="Gazette"), _fields(title="Gazette"), _fields(title="Herald"), _fields()]
    assert sites_moved(pages, page_tallies(pages, whole), page_tallies(pages, without), names) == (2, 1)
    # Only the figures named are compared: the herald's worse authors are not looked at.
    assert sites_moved(pages, page_tallies(pages, whole), page_tallies(pages, without), ["metadata/title"]) == (2, 0)
    assert sites_moved(pages, page_tallies(pages, whole), page_tallies(pages, whole), names) == (0, 0)


def test_less_leaked_furniture_is_a_gain() -> None:
    assert as_gain("boilerplate/without_leaked", (-0.02, -0.05, 0.01)) == (0.02, -0.01, 0.05)
    assert as_gain("metadata/title", (0.1, 0.05, 0.2)) == (0.1, 0.05, 0.2)


@pytest.mark.parametrize(
    ("name", "interval", "verdict"),
    [
        ("metadata/day", (0.981, 0.931, 1.0), "open"),  # one page short of the floor, but the floor is inside
        ("metadata/day", (0.995, 0.991, 1.0), "met"),
        ("metadata/title", (0.80, 0.75, 0.85), "missed"),
        ("boilerplate/without_leaked", (0.051, 0.032, 0.075), "open"),
        ("boilerplate/without_leaked", (0.03, 0.02, 0.045), "met"),
        ("boilerplate/without_leaked", (0.09, 0.07, 0.11), "missed"),
        ("metadata/body_f1", (0.95, 0.93, 0.97), None),  # no floor set
    ],
)
def test_a_floor_is_met_or_missed_only_when_the_whole_interval_says_so(name: str, interval: tuple, verdict: str | None) -> None:
    from bench.quality import floor_verdict

    assert floor_verdict(name, interval) == verdict


def test_the_interval_tables_show_each_figure_with_its_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    from bench.quality import print_intervals

    report = {"splits": {"check": {"interval": {"metadata/day": (0.981, 0.931, 1.0)}, "difference": {"metadata/day": (0.019, 0.0, 0.061)}}}}
    print_intervals(report, "interval")
    print_intervals(report, "difference")
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split() == ["metadata/day", "0.981", "[0.931,", "1.000]", "open"]
    assert lines[3].split() == ["metadata/day", "+0.019", "[+0.000,", "+0.061]"]
