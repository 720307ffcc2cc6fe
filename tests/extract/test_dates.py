"""The day a reader sees: a moment stated in UTC restated in the zone the page shows it in; a numeric date read
in the order the page's language writes it; a text that states a whole day told from one that does not."""

from __future__ import annotations

import pytest

from scraper.extract.dates import choose_published, in_shown_zone, names_a_day, normalise_date, writes_day_first


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


@pytest.mark.parametrize(
    ("language", "day_first"),
    [("es-UY", True), ("pt_BR", True), ("en-GB", True), ("vi", True), ("en-US", False), ("en", False), (None, False)],
)
def test_every_language_but_american_english_writes_numeric_dates_day_first(language: str | None, day_first: bool) -> None:
    assert writes_day_first(language) is day_first


@pytest.mark.parametrize(
    ("value", "day_first", "day"),
    [
        ("11/05/2022", True, "2022-05-11"),
        ("11/05/2022", False, "2022-11-05"),
        ("05/04/2022 08:43", True, "2022-04-05T08:43:00"),
        ("2024/03/12", True, "2024-03-12"),  # a date opening with its year is read so in every language
        ("2024-03-12 10:00", True, "2024-03-12T10:00:00"),
        ("12.03.2024", False, "2024-03-12"),  # dotted dates open with the day everywhere
        ("Dienstag, 12.03.2024, 10:30 Uhr", False, "2024-03-12"),  # among other words
        ("Thứ ba, 12/3/2024, 10:30 (GMT+7)", True, "2024-03-12"),
        ("le 12/03/2024 à 10h30", False, "2024-12-03"),
        ("Posted 2024/03/12 by Jane", False, "2024-03-12"),
        ("12 มีนาคม 2567", False, "2024-03-12"),  # a Thai month, a year of the Buddhist era
        ("v1.2.2019", True, None),  # a version number
        ("Do 25.04.24 | 14:07 Uhr | Von Eva Kirchner", False, "2024-04-25"),  # dotted, the year in two digits
        ("1.2.3.4", False, None),  # four numbers are no date
    ],
)
def test_a_numeric_date_is_read_in_the_pages_order(value: str, day_first: bool, day: str | None) -> None:
    assert normalise_date(value, day_first) == day


@pytest.mark.parametrize(
    ("text", "order_known", "names"),
    [
        ("April 28, 2023", False, True),
        ("Dienstag, 12. März 2024", False, True),
        ("2024年3月12日", False, True),
        ("25/03/2024", False, True),  # reads one way only
        ("12/03/2024", False, False),  # reads both ways, and the page does not say which
        ("12/03/2024", True, True),
        ("2024", True, False),  # a year, a time, a count: no day
        ("10:30", True, False),
        ("1747 views", True, False),
    ],
)
def test_a_text_names_a_day_only_when_it_states_one_whole(text: str, order_known: bool, names: bool) -> None:
    assert names_a_day(text, order_known) is names


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("17 листопада 2025, 00:15", "2025-11-17"),  # Ukrainian
        ("17 декември 2025", "2025-12-17"),  # Bulgarian
        ("१७ नवंबर २०२५", "2025-11-17"),  # Hindi, in Devanagari digits
        ("১৭ নভেম্বর ২০২৫", "2025-11-17"),  # Bengali, in Bengali digits
        ("17 בנובמבר 2025", "2025-11-17"),  # Hebrew, "in November"
        ("17. novembra 2025", "2025-11-17"),  # Slovak
        ("17 d'abril de 2025", "2025-04-17"),  # Catalan, before a vowel
        ("Thứ hai, ngày 17 tháng 11 năm 2025", "2025-11-17"),  # Vietnamese counts its months
        ("17 Disember 2025", "2025-12-17"),  # Malay
        ("17. marts 2025", "2025-03-17"),  # Danish
        ("17. nóvember 2025", "2025-11-17"),  # Icelandic
    ],
)
def test_a_date_spelled_in_words_names_its_day_in_more_languages(value: str, day: str) -> None:
    assert normalise_date(value) == day
    assert names_a_day(value)


def test_a_date_statement_of_a_pages_length_is_no_date() -> None:
    """A hostile meta tag's "date" of 120,000 characters held dateutil a second; it is no date."""
    assert normalise_date("1.2." * 30000, True) is None
