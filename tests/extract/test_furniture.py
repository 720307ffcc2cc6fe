"""The furniture net's comment-section cut: after the article's text a comment heading ends it, never after a menu;
a note about the author closing the text goes, as does a closing biography opening with an author's name; its change
notes, in the languages the date rules read them in;
and datelines, a day beside a label or two."""

from __future__ import annotations

import pytest

from scraper.extract.furniture import MIN_CHARS_BEFORE_COMMENTS, is_dateline, is_furniture, strip_furniture

ARTICLE = [
    "The river ferry between the two banks will run again from the first week of October, the district said on Monday.",
    "Officials said the landing stages on both banks had been rebuilt with steel pontoons that rise with the water.",
    "About six thousand people crossed the river every day before the floods, most of them traders and students.",
    "Fares will stay at ten rupees for a single crossing, and students with an identity card will travel free.",
]
# The cities of a site's menu, one link a line, as an extractor that kept the menu writes them.
MENU = (
    "agra ajmer amritsar bareilly bhopal chandigarh coimbatore cuttack dehradun erode faridabad ghaziabad goa gurgaon "
    "guwahati imphal indore jaipur jammu kanpur kochi kolhapur lucknow madurai meerut mysuru nagpur nashik noida patna "
    "puducherry pune raipur rajkot ranchi salem shimla surat thane trichy udaipur vadodara varanasi vijayawada"
).split() * 4


def test_a_comment_heading_after_the_article_text_ends_it() -> None:
    article = ARTICLE * 4
    assert sum(map(len, article)) >= MIN_CHARS_BEFORE_COMMENTS
    comments = ["Comments", "What a relief for everyone on the northern bank, we waited all summer for this."]
    assert strip_furniture([*article, *comments]) == article


def test_a_menu_before_a_comments_link_is_no_article_text_and_the_article_after_it_stays() -> None:
    # The menu alone is longer than the text that must come before a comment section.
    assert sum(map(len, MENU)) >= MIN_CHARS_BEFORE_COMMENTS
    kept = strip_furniture([*MENU, "Comments", *ARTICLE])
    assert kept[-len(ARTICLE) :] == ARTICLE


@pytest.mark.parametrize("heading", ["About the author", "AUTOR", "Über die Autorin", "À propos de l'auteur"])
def test_a_note_about_the_author_closing_the_text_goes(heading: str) -> None:
    article = ARTICLE * 4
    note = [heading, "Jane Doe has reported on the river towns for the paper since 2009 and lives in Patna.", "Jane Doe"]
    assert strip_furniture([*article, *note]) == article


def test_an_author_heading_followed_by_more_than_a_note_or_after_little_text_stays() -> None:
    longer = ["About the author", *ARTICLE]  # an article section, not a closing note
    assert strip_furniture([*ARTICLE * 4, *longer]) == [*ARTICLE * 4, *longer]
    assert strip_furniture(["Author", ARTICLE[0]]) == ["Author", ARTICLE[0]]  # nothing before it: a label


@pytest.mark.parametrize("author", ["Jane Doe", "jane doe"])
def test_a_biography_opening_with_the_authors_name_closing_the_text_goes_after_however_short_a_text(author: str) -> None:
    biography = ["Jane Doe is a reporter covering the river towns. She joined the paper in 2019.", "Back to top"]
    assert strip_furniture([ARTICLE[0], *biography], [author]) == [ARTICLE[0]]
    german = "Jane Doe ist Reporterin für das Berichtsgebiet Bihar und Jharkhand."
    assert strip_furniture([*ARTICLE, german], [author]) == ARTICLE


def test_a_line_naming_no_author_or_an_agency_or_opening_the_text_or_further_up_stays() -> None:
    closing = "Reuters was unable to verify the report independently."  # an agency's text on itself
    assert strip_furniture([*ARTICLE, closing], ["Reuters"]) == [*ARTICLE, closing]
    biography = "Jane Doe is a reporter covering the river towns."
    assert strip_furniture([*ARTICLE, biography], ["John Roe"]) == [*ARTICLE, biography]
    assert strip_furniture([biography, *ARTICLE], ["Jane Doe"]) == [biography, *ARTICLE]  # the article's subject
    assert strip_furniture([biography, *ARTICLE * 2], ["Jane Doe"])[0] == biography


@pytest.mark.parametrize(
    ("line", "furniture"),
    [
        ("Senior Reporter", True),  # a writer's job title under the byline
        ("Political Correspondent", True),
        ("Wirtschaftsredakteurin", True),
        ("Dear Editor,", False),  # a letter's salutation
        ("3 hours ago", True),  # the time ago beside a byline
        ("vor 2 Stunden", True),
        ("1 of 12", True),  # a gallery's counter and buttons
        ("Next image", True),
        ("In 12 of 20 cases the ferry ran late.", False),
        ("Watch: The council's debate in full 2:34", True),  # a player's label
        ("(Reporting by Jane Doe in Lagos; Editing by John Roe and Ann Lee)", True),  # credits
        ("Additional reporting by Jane Doe", True),
        ("Reporting by the Times showed that the mayor knew of the leak.", False),  # a sentence
        ("Subscribers get unlimited access to our journalism. Subscribe now from $1 a week.", True),  # a paywall's pitch
        ("Jetzt abonnieren und weiterlesen", True),
        ("The paper said it had gained 40,000 subscribers in a year.", False),
    ],
)
def test_a_job_title_a_time_ago_a_gallerys_counter_a_players_label_credits_and_a_pitch_are_furniture(line: str, furniture: bool) -> None:
    assert is_furniture(line) is furniture


@pytest.mark.parametrize(
    ("line", "furniture"),
    [
        ("Updated 3 May 2024", True),
        ("Edited by Jane Doe", True),  # a change's word the <time> rule reads too
        ("Geändert am Montag", True),
        ("Published Monday", True),
        ("Updated ministers said the plan would work.", False),  # a sentence
    ],
)
def test_a_short_line_noting_a_change_or_the_publication_is_furniture(line: str, furniture: bool) -> None:
    assert is_furniture(line) is furniture


@pytest.mark.parametrize(
    ("line", "furniture"),
    [
        ("10:30 a.m.", True),  # a time or a date alone
        ("– 12.03.2024 | 14:07 Uhr", True),
        ("-" * 60 + "7" * 70 + "x", False),  # no date: a line of digits ending in a word (read in linear time)
        ("1.2k shares 34 comments", True),  # an engagement bar's counts
        ("12 views", True),
        ("3,405 Shares", True),
        ("The video had 1.2k views in its first hour, and 34 comments.", False),
        ("Arsenal 2 Chelsea 1", False),
    ],
)
def test_a_lone_date_or_an_engagement_bars_counts_are_furniture(line: str, furniture: bool) -> None:
    assert is_furniture(line) is furniture


@pytest.mark.parametrize(
    ("line", "furniture"),
    [
        ("Pressekontakt", True),  # a press release's closing contact block
        ("Ansprechpartnerin zum Thema:", True),
        ("Media contact:", True),
        ("Sign-up Successful!", True),  # a newsletter form's answer
        ("Telefon +49 (0)40 / 49 07 11 06", True),
        ("Tel.: 040 1234567", True),
        ("jane.doe@example.org", False),  # a bare address can be the article's own (a campaign's)
        ("Tickets are sold by phone on 040 1234567 until Friday.", False),
    ],
)
def test_a_contact_blocks_heading_labelled_numbers_and_a_sign_up_are_furniture(line: str, furniture: bool) -> None:
    assert is_furniture(line) is furniture


@pytest.mark.parametrize(
    ("line", "furniture"),
    [
        ("Letzte Aktualisierung am 2.02.2022 / Bei den Verlinkungen handelt es sich um Affiliate Links", True),
        ("This article contains affiliate links. We may earn a commission when you buy through them.", True),
        ("This post contains references to products from one or more of our advertisers.", True),
        ("Les liens affiliés de cet article nous rapportent une petite commission.", True),
        ("The company had 12,500 employees on June 30, and there are others who work for its affiliates.", False),
        ("Regulators said affiliate marketers must disclose their links. " * 6, False),  # prose, not a short note
    ],
)
def test_a_short_note_disclosing_affiliate_links_is_furniture(line: str, furniture: bool) -> None:
    assert is_furniture(line) is furniture


@pytest.mark.parametrize(
    "line", ["2021-10-16 | Politik", "24. März 2004, 19:49 | Redaktion", "Handball Schweiz • 02.02.2022", "05.09.2024 · 2:03 min"]
)
def test_a_day_beside_its_section_source_author_or_length_is_a_dateline(line: str) -> None:
    assert is_dateline(line) and is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "29 November 2018 | 20 January 2019",  # a table's row of two days
        "| Kick-off | 28 September 2020, 18:00 |",  # a table's row as trafilatura writes it
        "Paris | On 12 March 2024 the president said that the law would pass",  # a sentence, not a label
        "Politik | Ausland",  # no day
    ],
)
def test_two_days_a_table_row_a_sentence_or_no_day_is_no_dateline(line: str) -> None:
    assert not is_dateline(line)
