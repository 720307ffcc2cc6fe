"""The rule switches of ``bench.ablation``: each one really switches its rule off, and only while asked.

Each rule names the golden page that shows it; the page's fields must change without the
rule and come back with it. So a rule renamed or moved breaks this test, not the bench's
figures in silence, and every rule the bench measures has a hand-written page of its own.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from typing import Any

import pytest

from bench.ablation import RULES, switched_off
from tests.conftest import CORPUS
from tests.extract.test_extraction_golden import GOLDEN, extracted


def _fields(name: str) -> dict[str, Any]:
    record = extracted(GOLDEN / f"{name}.html")[0].record()
    record.pop("extractor")  # names the pass; the fields are what a rule changes
    return record


@pytest.mark.parametrize("name", sorted(name for name, rule in RULES.items() if rule.golden))
def test_each_rule_changes_its_golden_page_and_comes_back(name: str) -> None:
    rule = RULES[name]
    assert rule.golden
    with ExitStack() as others:
        for other in rule.alongside:
            others.enter_context(switched_off(RULES[other]))
        whole = _fields(rule.golden)
        with switched_off(rule):
            without = _fields(rule.golden)
        assert without != whole, f"switching off {name} changed nothing on {rule.golden}"
        assert _fields(rule.golden) == whole


def test_only_trafilaturas_own_fallbacks_have_no_golden_page() -> None:
    """They act where trafilatura's fast passes pick a wrong container, which no small page makes them do."""
    assert [name for name, rule in RULES.items() if not rule.golden] == ["fallback", "fallback-gate"]


@pytest.mark.skipif(not CORPUS.exists(), reason=f"the shared corpus is not at {CORPUS} (a fresh clone has none)")
def test_the_bench_reports_what_a_rule_adds_on_both_splits(capsys: pytest.CaptureFixture[str]) -> None:
    from bench.ablation import main

    assert main([str(CORPUS), "--rules", "furniture-net", "--limit", "12", "--jobs", "1"]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    for split in ("dev", "check"):
        whole, gain = report["whole"][split], report["gains"]["furniture-net"][split]
        assert set(gain) == set(whole) and all(0 <= value <= 1 for value in whole.values())
        assert all(low <= value <= high for value, low, high in gain.values())  # each gain inside its interval
    # Without its furniture net the text keeps lines the corpus marks as furniture.
    net = report["gains"]["furniture-net"]
    assert net["dev"]["boilerplate/without_leaked"][0] + net["check"]["boilerplate/without_leaked"][0] > 0
    # ... on some site, and the sites it helps are counted for each split.
    helped = [report["sites"]["furniture-net"][split][0] for split in ("dev", "check")]
    assert sum(helped) >= 1


@pytest.mark.skipif(not CORPUS.exists(), reason=f"the shared corpus is not at {CORPUS} (a fresh clone has none)")
def test_rules_switched_off_together_make_one_row(capsys: pytest.CaptureFixture[str]) -> None:
    from bench.ablation import main

    common = [str(CORPUS), "--collections", "boilerplate", "--limit", "6", "--jobs", "1", "--rules", "furniture-net"]
    reports = []
    for extra in ([], ["--together"], ["comment-sections", "--together"]):
        assert main(common + extra) == 0
        reports.append(json.loads(capsys.readouterr().out.strip().splitlines()[-1]))
    alone, together, family = reports
    assert together["gains"] == {"together": alone["gains"]["furniture-net"]}  # one rule together is that rule
    assert family["rules"] == ["furniture-net", "comment-sections"] and list(family["gains"]) == ["together"]


def test_the_table_shows_a_figure_one_split_has_no_pages_for_as_a_dash(capsys: pytest.CaptureFixture[str]) -> None:
    from bench.ablation import print_table

    whole = {"dev": {"metadata/title": 0.75, "articles/f1": 0.9}, "check": {"articles/f1": 0.95}}
    gains = {"dev": {"metadata/title": (0.25, 0.1, 0.4), "articles/f1": (0.0, 0.0, 0.0)}, "check": {"articles/f1": (-0.01, -0.03, 0.01)}}
    print_table(whole, {"spaced-h1s": gains}, {"spaced-h1s": {"dev": (1, 0), "check": (0, 1)}})
    lines = capsys.readouterr().out.splitlines()
    assert lines[2].split() == ["(whole", "code)", "0.7500", "-", "0.9000", "0.9500"]
    # A star marks a gain whose interval holds no zero; the last two cells count the sites helped / hurt.
    assert lines[3].split() == ["spaced-h1s", "+0.2500*", "-", "+0.0000", "-0.0100", "1/0", "0/1"]
