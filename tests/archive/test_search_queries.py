"""What a person types into a search box or after ``newsarchive search``: whatever it is, it
becomes an FTS5 query SQLite accepts, FTS5's own syntax kept where it is valid; and a word a
page splits with characters no reader sees (a soft hyphen) is found as the reader typed it."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.queries import _fts_accepts, match_expression, search
from archive.store import Archive
from scraper.extract import extract

# FTS5 syntax, words it splits, and characters SQLite cannot take as they are (NUL, lone surrogates).
PIECES = st.sampled_from(
    [
        '"', "'", "*", "^", "-", "+", "(", ")", ":", ",", "{", "}", "NEAR", "NEAR(", "AND", "OR", "NOT", "title:", "text:",
        "col:", "*x", "x*y", "e-mail", "U.S.", "\x00", "\u2028", "\ud800", "\udcff", " ", "\t", "é", "日本",
    ]
)


@settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(st.lists(PIECES | st.text(max_size=3), max_size=8).map("".join))
def test_anything_typed_becomes_a_query_fts5_accepts(typed: str) -> None:
    assert _fts_accepts(match_expression(typed))


def test_valid_fts5_syntax_is_kept_and_the_rest_is_searched_as_words() -> None:
    assert match_expression('"pay deal" OR glacier*') == '"pay deal" OR glacier*'
    assert match_expression("e-mail") == '"e-mail"'
    assert match_expression("caf\udce9 \x00") == "caf\ufffd"  # replaced, then a word FTS5 takes as it is


# A German page as such sites set it: soft hyphens in long words of the headline and the text, as an entity and as
# the character, and a zero-width space.
SOFT_HYPHENED = (
    "<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'><title>Bundes&shy;regierung beschließt Fähr&shy;verbindung"
    "</title></head><body><article><h1>Bundes&shy;regierung beschließt Fähr&shy;verbindung</h1><p>Die Bundes\u00adregierung"
    " hat am Mittwoch beschlossen, die Fähr&shy;verbindung zwischen den beiden Inseln bis zum Sommer auszubauen, wie ein"
    " Sprecher in Berlin mitteilte.</p><p>Die neue Verbindung soll im Stunden&#173;takt fahren und auch im Winter"
    " verkehren, wenn die alte Fähre bisher nur dreimal am Tag ablegte.</p><p>Die Gemeinden hatten jahrelang\u200b über"
    " den Fahrplan gestritten und begrüßen die Entscheidung der Regierung ausdrücklich.</p></article></body></html>"
)


def test_a_word_the_page_split_with_soft_hyphens_is_stored_and_found_whole(tmp_path: Path) -> None:
    url = "https://inselbote.example/politik/faehre"
    article = extract(SOFT_HYPHENED, url)
    assert article.title == "Bundesregierung beschließt Fährverbindung"
    assert "Bundesregierung hat am Mittwoch" in article.text and "Stundentakt" in article.text
    assert not any(char in article.text for char in "\u00ad\u200b")
    with Archive(tmp_path / "archive.db") as archive:
        archive.record_pages(
            [
                {
                    "url": url, "source": "inselbote", "kind": "article", "outcome": "article", "status": 200, "crawl_id": None,
                    "body": SOFT_HYPHENED.encode(), "headers": {"Content-Type": "text/html"}, "article": article.record(),
                }
            ]
        )
    db = sqlite_utils.Database(tmp_path / "archive.db")
    for typed in ("Bundesregierung", "Fährverbindung", "Stundentakt", "Bundes\u00adregierung"):
        assert [row["url"] for row in search(db, typed)] == [url], typed
