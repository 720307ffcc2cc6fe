"""The standfirst under the headline: put back where no description names it, and only a sentence right before the text."""

from __future__ import annotations

from scraper.extract.body import headline_lead

HEADLINE = "Valley orchards brace for a late frost"
LEAD = "Growers lit fires between the rows, hoping to save the blossoms from a night below freezing."
FIRST = "The regional weather office warned on Friday that temperatures could fall to minus three degrees."
TEXT = f"{FIRST}\nGrowers say that a frost at this stage can cost them most of a year's harvest."


def test_the_sentence_between_the_headline_and_the_text_is_its_standfirst() -> None:
    balanced = f"Farming\n{HEADLINE}\n{LEAD}\n{TEXT}"
    assert headline_lead(balanced, TEXT, [HEADLINE, f"{HEADLINE} | Valley Courier"]) == LEAD


def test_only_right_before_the_texts_first_line() -> None:
    balanced = f"{HEADLINE}\n{LEAD}\nA caption under the photo of an orchard in bloom, taken last spring.\n{TEXT}"
    assert headline_lead(balanced, TEXT, [HEADLINE]) is None


def test_a_byline_or_a_label_under_the_headline_is_no_standfirst() -> None:
    for line in ("By Jane Doe and John Roe, Valley Courier staff writers", "Updated 3 hours ago", "Share"):
        assert headline_lead(f"{HEADLINE}\n{line}\n{TEXT}", TEXT, [HEADLINE]) is None


def test_no_headline_in_the_balanced_pass_means_no_standfirst() -> None:
    assert headline_lead(f"{LEAD}\n{TEXT}", TEXT, [HEADLINE]) is None
    assert headline_lead(f"{HEADLINE}\n{LEAD}", "", [HEADLINE]) is None
