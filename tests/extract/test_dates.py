"""The day a reader sees: a moment stated in UTC restated in the zone the page shows it in."""

from __future__ import annotations

import pytest

from scraper.extract.dates import choose_published, in_shown_zone


@pytest.mark.parametrize(
    ("stated", "shown", "restated"),
    [
        ("2024-04-25T23:30:00Z", "26. April 2024, 01:30 Uhr", "2024-04-26T01:30:00+02:00"),
        ("2024-04-25T23:30:00.000Z", "April 25, 2024 7:30 p.m.", "2024-04-25T19:30:00-04:00"),
        ("2024-04-25T23:30:00+00:00", "2024-04-26 05:00", "2024-04-26T05:00:00+05:30"),
        # Shown in UTC, stated with a zone of its own, shown without a time or at an impossible offset: as stated.
        ("2024-04-25T23:30:00Z", "25.04.2024 23:30", "2024-04-25T23:30:00Z"),
        ("2024-04-25T23:30:00+02:00", "26. April 2024, 01:30 Uhr", "2024-04-25T23:30:00+02:00"),
        ("2024-04-25T23:30:00Z", "26. April 2024", "2024-04-25T23:30:00Z"),
        ("2024-04-25T23:30:00Z", "28. April 2024, 01:30 Uhr", "2024-04-25T23:30:00Z"),
        ("2024-04-25T23:30:00Z", "26. April 2024, 01:37 Uhr", "2024-04-25T23:30:00Z"),
        ("2024-04-25", "26.04.2024 01:30", "2024-04-25"),
        ("not a date", "26.04.2024 01:30", "not a date"),
    ],
)
def test_a_utc_moment_is_restated_in_the_zone_its_text_shows(stated: str, shown: str, restated: str) -> None:
    assert in_shown_zone(stated, shown) == restated


def test_the_restated_moment_gives_the_day_for_the_pages_utc_statement_of_it() -> None:
    """The JSON-LD's UTC statement comes first, the <time>'s restatement after: the same moment, the shown day."""
    assert choose_published(["2024-04-25T23:30:00Z", "2024-04-26T01:30:00+02:00"]) == "2024-04-26T01:30:00+02:00"
