"""Docs that cannot drift: the generated reference is current, the README stays a front page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cogapp import Cog

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ["docs/commands.md", "docs/schema.md"]
README_MAX_LINES = 200
FIRST_SCREEN = 30  # lines


@pytest.mark.parametrize("doc", GENERATED)
def test_generated_reference_is_current(doc: str) -> None:
    status = Cog().main(["cog", "--check", str(ROOT / doc)])
    assert status == 0, f"{doc} is stale: run `python -m cogapp -r {doc}`"


def test_readme_is_a_front_page_with_the_two_commands_first() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES
    first_screen = "\n".join(lines[:FIRST_SCREEN])
    assert "pip install -e . && .venv/bin/newsarchive crawl" in first_screen
    test_command = re.search(r"^\s+(python3 -m venv --upgrade-deps .venv && .venv/bin/pip install -e '\.\[test\]'.*)$", first_screen, re.M)
    assert test_command, "the test command is not on the README's first screen"
    assert test_command.group(1) in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_links_resolve() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(((?:docs|bench|tests)/[^)#]+)", readme):
        assert (ROOT / target).exists(), target
