"""What a person types into a search box or after ``newsarchive search``: whatever it is, it
becomes an FTS5 query SQLite accepts, FTS5's own syntax kept where it is valid."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.queries import _fts_accepts, match_expression

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
