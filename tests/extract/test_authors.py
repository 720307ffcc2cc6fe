"""How one byline string splits into names, and which source's names are chosen (the byline model's part that needs no page)."""

from __future__ import annotations

import pytest

from scraper.extract.authors import AuthorSource, choose_authors, people_listed, split_byline


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



@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("Political Editor Jane Doe", ["Jane Doe"]),  # a title before the name
        ("Von ARD-Korrespondentin Jana Berger", ["Jana Berger"]),
        ("Von Wirtschaftsredakteurin Jana Berger", ["Jana Berger"]),
        ("Jane Doe, Political Editor", ["Jane Doe"]),  # a title describing the name before it
        ("By Jane Doe, Chief Political Correspondent", ["Jane Doe"]),
        ("Jane Doe, Hong Kong correspondent", ["Jane Doe"]),
        ("By Jane Doe, Washington Correspondent, and John Roe, Foreign Editor", ["Jane Doe", "John Roe"]),
        ("Tekst: Anna Maria Kowalska, Piotr Zieliński Dziennikarz", ["Anna Maria Kowalska", "Piotr Zieliński"]),
        ("By Jane Doe March 3, 2024", ["Jane Doe"]),  # a date with its month's name, split by its comma
        ("Jane Doe, 3. März 2024 10:12", ["Jane Doe"]),
        ("Por Ana Souza Lima 3 de março de 2025", ["Ana Souza Lima"]),  # the month's name after "de" or "d'"
        ("By Anna Berg 12 d'abril de 2025", ["Anna Berg"]),
        ("Par Jean Dupont le 3 avril 2025 à 10h", ["Jean Dupont"]),  # the word joining the name to its date
        ("Von Max Muster am 12. März 2024", ["Max Muster"]),
        ("राहुल शर्मा १७ नवंबर २०२५", ["राहुल शर्मा"]),  # a month's name and digits of another script
        ("Jane Doe 5 hours ago", ["Jane Doe"]),
        ("By Jane Doe and May Lee", ["Jane Doe", "May Lee"]),  # a month's name without a day is no date
        ("Jane Doe Mon 3 Mar 2025 10.00 GMT", ["Jane Doe"]),
        ("Jane Doe – 4 min read", ["Jane Doe"]),  # a reading time
        ("Jane Doe, Lesezeit: 3 Minuten", ["Jane Doe"]),
        ("Jane Doe @janedoe", ["Jane Doe"]),  # a handle and a network's name beside the name
        ("Jane Doe Twitter", ["Jane Doe"]),
        ("Text: Jane Doe; Fotos: John Roe", ["Jane Doe"]),  # the photographer after the writer
        ("Von Jane Doe, Fotos: dpa", ["Jane Doe"]),
        ("Jane Doe, AP Photo", ["Jane Doe"]),
        ("Text und Fotos: Jane Doe", ["Jane Doe"]),  # the writer took the photos too
        ("Jane Doe, Daily Mail", ["Jane Doe", "Daily Mail"]),
        ("Jane Doe, RN, BSN", ["Jane Doe"]),  # credentials
        ("Jane Doe, M.Sc.", ["Jane Doe"]),
        ("Jane Doe, CFP®", ["Jane Doe"]),
        ("Jane Doe, Kyiv", ["Jane Doe"]),  # a place after a full name
        ("Jane Doe, Reporting from Kyiv", ["Jane Doe"]),
        ("By Jane Doe in | Politics", ["Jane Doe"]),
        ("By Owen Price May 30, 2024", ["Owen Price"]),  # "May" with a day and a year is the month
        ("Von Anna Mai 12. Mai 2024", ["Anna Mai"]),
        ("By Theresa May", ["Theresa May"]),  # the section a link after the placing word, as a shown byline reads
        ("Von Jana Berger und Tom Roe aus | Berlin", ["Jana Berger", "Tom Roe"]),
        ("Jane Doe, Berlin, und John Roe, Paris", ["Jane Doe", "John Roe"]),
        ("Jane Doe, PTI", ["Jane Doe", "PTI"]),  # an agency's credit
        ("Jane Doe, KYIV", ["Jane Doe", "KYIV"]),  # a short word in capitals may be an agency's
        ("Anna, Ben und Carl", ["Anna", "Ben", "Carl"]),  # one-word names listed
    ],
)
def test_job_titles_dates_and_credits_around_a_name_are_no_names(byline: str, names: list[str]) -> None:
    assert split_byline(byline) == names

@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("Wartawan: Siti Nurhaliza", ["Siti Nurhaliza"]),  # one word and a colon: a label, whatever its language
        ("लेखक: राहुल शर्मा", ["राहुल शर्मा"]),
        ("نویسنده: علی رضایی", ["علی رضایی"]),
        ("文・写真：山田太郎", ["山田太郎"]),
        ("Oleh Siti Nurhaliza", ["Siti Nurhaliza"]),  # "by" in Indonesian, Greek and Thai
        ("Του Γιώργου Παπαδόπουλου", ["Γιώργου Παπαδόπουλου"]),
        ("โดย สมชาย ใจดี", ["สมชาย ใจดี"]),
        ("10:30 Jane Doe", ["Jane Doe"]),  # a time is no label
        ("Penulis: Siti Nurhaliza | Editor: Rina Wati", ["Siti Nurhaliza"]),  # an editor's credit after the writer's
        ("Text: Jana Berger, Grafik: Tom Krause", ["Jana Berger"]),
        ("Jana Berger and Political Editor Tom Krause", ["Jana Berger", "Tom Krause"]),  # a job title, no role's label
        ("Reporting by Jane Doe; Editing by John Roe", ["Jane Doe"]),
        ("Por Juan Pérez - Ciudad de México", ["Juan Pérez"]),  # a spaced dash sets off what describes the name
        ("Ana Gómez, Juan Pérez – Guadalajara", ["Ana Gómez", "Juan Pérez"]),
        ("Kommentar – Jana Berger", ["Jana Berger"]),  # a label before the dash
        ("dpa - Berlin", ["dpa"]),
        ("Jane Doe for The Guardian", ["Jane Doe"]),  # the paper written for
        ("Reportaje de Juan Pérez", ["Juan Pérez"]),  # a genre's label
    ],
)
def test_a_bylines_label_in_any_language_is_no_part_of_the_name(byline: str, names: list[str]) -> None:
    assert split_byline(byline) == names


def test_a_section_name_filling_a_byline_field_is_a_topic_not_a_person() -> None:
    """A meta author that is one of the page's sections ("Lokales") names no one: the shown byline's person is taken,
    and the section word glued to that byline goes; a person's two-word name never matches a topic."""
    tagged = AuthorSource(["Lokales"], tagged=True)
    shown = AuthorSource(["Von Katrin Maurer Lokales"], shown=True)
    assert choose_authors([tagged, shown], ["Kreisbote"], ["Lokales"]) == ["Katrin Maurer"]
    assert choose_authors([tagged], ["Kreisbote"], ["Lokales"]) == []
    assert choose_authors([tagged], ["Kreisbote"]) == ["Lokales"]  # no section named so: it may be a name
    assert choose_authors([AuthorSource(["Jan Fleischhauer"], tagged=True)], [], ["Jan Fleischhauer"]) == ["Jan Fleischhauer"]


def test_only_a_bylines_start_is_read() -> None:
    """A "byline" of a whole page's length (a hostile meta tag's) is read to its first hundreds of characters."""
    assert split_byline("Jane Doe, John Roe " + "x" * 60000 + "@example.com") == ["Jane Doe"]


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("Mathatisi Sebusi/Mohalenyane Phakela", ["Mathatisi Sebusi", "Mohalenyane Phakela"]),
        ("MTHOBISI SITHOLE", ["MTHOBISI SITHOLE"]),
        ("Jan de Vries and Eva Bakker", ["Jan de Vries", "Eva Bakker"]),
        ("Ana", []),  # one word: a label as often as a name
        ("Further Reading:", []),
        ("Lesotho Times News", []),  # an organisation
        ("Ana Silva, 3 May", []),
        ("Ana Silva, Tom", []),  # every part a full name, or none counts
    ],
)
def test_a_line_lists_people_only_when_every_part_is_a_full_name(line: str, names: list[str]) -> None:
    assert people_listed(line) == names


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("BY ANNA BERG, MA, WEI CHEN, BASED IN HONG KONG, AND PIETER VAN DER BERG", ["ANNA BERG", "WEI CHEN", "PIETER VAN DER BERG"]),
        ("BY MARIA LOPEZ IN MADRID", ["MARIA LOPEZ"]),
        ("E JEAN CARROLL", ["E JEAN CARROLL"]),  # one letter is an initial, not "and"
    ],
)
def test_a_byline_in_capitals_is_split_and_placed_as_in_lower_case(byline: str, names: list[str]) -> None:
    assert split_byline(byline) == names


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("순천·광양=구현모 기자 ninek@hankookilbo.example", ["구현모"]),
        ("순천, 광양 | 구현모 | 기자", ["구현모"]),
        ("서울 홍길동·김철수 기자", ["홍길동", "김철수"]),
        ("워싱턴 이영희 특파원", ["이영희"]),
    ],
)
def test_a_korean_byline_names_the_reporter_before_the_title_word(byline: str, names: list[str]) -> None:
    assert split_byline(byline) == names


def test_a_later_source_naming_everyone_a_meta_tag_names_and_more_is_taken() -> None:
    first = AuthorSource(["Mathias Hagen"], tagged=True)
    fuller = AuthorSource(["Mathias Hagen / Journalist", "Anders Skjerdingstad / Journalist"], tagged=True)
    assert choose_authors([first, fuller], ["NRK"]) == ["Mathias Hagen", "Anders Skjerdingstad"]
    other = AuthorSource(["Anders Skjerdingstad"], tagged=True)  # names someone else, not everyone and more
    assert choose_authors([first, other], ["NRK"]) == ["Mathias Hagen"]


def test_an_agency_beside_the_people_is_credited_but_not_a_desk_or_the_site() -> None:
    """An organisation named beside the people is kept only where it is a news agency ("…, dpa", "and AP", "Associated
    Press"): a desk or a section set after a bar ("| World News") is no author, nor is the site itself."""
    def chosen(byline: str) -> list[str]:
        return choose_authors([AuthorSource([byline], shown=True)], ["Valley Courier"])

    assert chosen("By Maya Green, dpa") == ["Maya Green", "dpa"]
    assert chosen("By Maya Green and AP") == ["Maya Green", "AP"]
    assert chosen("By Maya Green, Associated Press") == ["Maya Green", "Associated Press"]
    assert chosen("By Maya Green | World News") == ["Maya Green"]
    assert chosen("By Maya Green, Valley Courier") == ["Maya Green"]
    assert chosen("World News Desk") == ["World News Desk"]  # no person named: the organisation is all there is
