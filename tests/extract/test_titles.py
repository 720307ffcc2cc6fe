"""The headline chosen among what the page states and shows."""

from __future__ import annotations

from scraper.extract.titles import choose_title

HEADLINE = "Council backs plan to rebuild the harbour wall"


def test_a_stated_title_naming_the_site_or_a_section_gives_way_to_the_shown_headline() -> None:
    site = ["Harbour Herald"]
    assert choose_title(["Harbour Herald"], [HEADLINE], site) == HEADLINE  # og:title the site's name
    assert choose_title(["Politics - Harbour Herald"], [HEADLINE], site) == HEADLINE  # a section's list page
    assert choose_title(["12.03.2025"], [HEADLINE], site) == HEADLINE
    # A stated headline that merely names the site, or a one-word one where no headline is shown, stays.
    assert choose_title(["Harbour Herald wins press award"], [HEADLINE], site) == "Harbour Herald wins press award"
    assert choose_title(["Brexit"], ["Home"], site) == "Brexit"
