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


def test_a_logo_set_as_the_h1_is_no_headline() -> None:
    page_title = f"{HEADLINE} | Harbour Herald"
    assert choose_title([page_title], ["Harbour Herald"], [], ["harbourherald"], page_title=page_title) == HEADLINE
    # An <h1> naming the site among other words is a headline.
    assert choose_title([], ["Harbour Herald wins press award"], [], ["harbourherald"]) == "Harbour Herald wins press award"


def test_a_sections_word_between_the_headline_and_the_site_goes() -> None:
    site = ["Harbour Herald"]
    assert choose_title([f"{HEADLINE} - National | Harbour Herald"], [], site) == HEADLINE
    assert choose_title([f"{HEADLINE} | News | Harbour Herald"], [], site) == HEADLINE
    # Without a site's name closing the title, or after a short first part, the segment stays.
    assert choose_title([f"{HEADLINE} | Analysis"], [], site) == f"{HEADLINE} | Analysis"
    assert choose_title(["Interview | Merkel | Harbour Herald"], [], site) == "Interview | Merkel"


def test_the_sites_name_and_a_colon_opening_the_title_go() -> None:
    assert choose_title([f"Harbour Herald: {HEADLINE}"], [], ["Harbour Herald"]) == HEADLINE
    assert choose_title([f"Harbour wall: {HEADLINE}"], [], ["Harbour Herald"]) == f"Harbour wall: {HEADLINE}"


def test_an_h1_holding_the_titles_headline_beside_a_kicker_or_subtitle_gives_the_headline() -> None:
    page_title = f"{HEADLINE} | Harbour Herald"
    for h1 in (f"Exclusive {HEADLINE}", f"{HEADLINE} Work starts in spring"):
        assert choose_title([page_title], [h1], ["Harbour Herald"], page_title=page_title) == HEADLINE
    # A <title> holding only a word or two of the <h1> is no headline of it.
    assert choose_title(["Politics | Harbour Herald"], [HEADLINE], ["Harbour Herald"], page_title="Politics | Harbour Herald") == HEADLINE


def test_a_short_site_name_with_a_news_word_and_a_byline_segment_are_no_headline() -> None:
    assert choose_title([f"{HEADLINE} | HHT Haber"], [], ["HHT"]) == HEADLINE
    assert choose_title([f"{HEADLINE} - HHT News"], [], ["HHT"]) == HEADLINE
    assert choose_title([f"{HEADLINE} | Harbour Herald | by Jane Doe"], [], ["Harbour Herald"]) == HEADLINE
    # A longer name after the short one is another site's or a programme's; "by" inside a headline is its own.
    assert choose_title([f"{HEADLINE} - HHT Newsnight"], [], ["HHT"]) == f"{HEADLINE} - HHT Newsnight"
    assert choose_title(["Stand by me | Harbour Herald"], [], ["Harbour Herald"]) == "Stand by me"
