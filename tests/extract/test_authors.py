"""How one byline string splits into names (the byline model's part that needs no page)."""

from __future__ import annotations

import pytest

from scraper.extract.authors import split_byline


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("hessenschau.de, Frankfurt, Germany", ["hessenschau.de"]),  # a newsroom and its address
        ("BBC News, London", ["BBC News"]),
        ("dpa, Berlin", ["dpa"]),  # an agency and its place
        ("AP, Reuters", ["AP", "Reuters"]),  # two agencies
        ("Jane Doe, dpa", ["Jane Doe", "dpa"]),
        ("Jane Doe, John Roe and Max Lee", ["Jane Doe", "John Roe", "Max Lee"]),
    ],
)
def test_a_byline_splits_into_names_without_a_newsrooms_address(byline: str, names: list[str]) -> None:
    assert split_byline(byline) == names
