"""The reading commands with whatever a person (or a script) passes them: odd dates and ages,
unknown sources, SQL, NULs and bytes that are not UTF-8. Each ends with its output or one
clear message and exit 1 or 2, never an exception."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scraper.cli import cli
from tests.conftest import REPO

ARTICLE = "http://127.0.0.1:33953/world/2026/11/25/un-ceasefire-azerbaijan-armenia/"
VALUES = st.sampled_from(
    [
        "2d", "0d", "-5d", "99999999999d", "1e9d", "2026-13-45", "2026-11-27T25:00", "0000-01-01", "9999-12-31",
        "2026-11-27T12:00Z", "2026-11-27T12:00+99:00", "P1D", "inf", "nan", "-1", "", " ", "\x00", "\udcff",
        "daily", "nope", "'; DROP TABLE articles; --", "%", "_", "http://[::1", ARTICLE,
    ]
) | st.text(max_size=6)


@st.composite
def _command(draw: st.DrawFn) -> list[str]:
    name = draw(st.sampled_from(["search", "export", "stats", "runs", "diff"]))
    args = [name]
    if name in ("search", "diff"):
        args.append(draw(VALUES))
    if name in ("search", "export"):
        for option in ("--since", "--until", "--source"):
            if draw(st.booleans()):
                args += [option, draw(VALUES)]
        if name == "export":
            args += ["--format", draw(st.sampled_from(["jsonl", "csv", "warc"]))]
    if name == "runs" and draw(st.booleans()):
        args += ["--source", draw(VALUES)]
    if name != "export" and draw(st.booleans()):
        args.append("--json")
    return args


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-fuzz")
    shutil.copy(REPO / "tests" / "data" / "archive-v1.db", folder / "archive.db")
    (folder / "config.yaml").write_text(
        "archive: archive.db\nsources:\n  - name: daily\n    feeds: ['http://127.0.0.1:9/feed.xml']\n", encoding="utf-8"
    )
    return folder


@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(args=_command())
@example(args=["diff", "\udcff"])  # a byte that is not UTF-8 in an argument once stopped these with a traceback
@example(args=["search", "the", "--source", "dai\udcffly"])
@example(args=["runs", "--source", "\udcff"])
def test_reading_commands_answer_anything_in_one_line_or_output(folder: Path, args: list[str]) -> None:
    with contextlib.chdir(folder):
        result = CliRunner().invoke(cli, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
    assert result.exit_code in (0, 1, 2), (args, result.exit_code)
    if result.exit_code:
        assert result.stderr.strip() and "Traceback" not in result.stderr, (args, result.stderr)
