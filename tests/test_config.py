"""A broken config names the key and the line, exits 2, and never shows a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.config import ConfigError, load_config, parse_config, parse_duration

GOOD = """\
archive: news.db
crawl:
  delay: 2
sources:
  - name: one
    feeds: [https://example.com/rss.xml]
  - name: two
    sitemaps: [https://example.org/sitemap.xml]
    every: 15m
    since: 2d
"""


def check(tmp_path: Path, text: str, command: str = "check"):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return CliRunner().invoke(cli, [command, "--config", str(path)])


def test_a_good_config_loads(tmp_path: Path):
    result = check(tmp_path, GOOD)
    assert result.exit_code == 0, result.output
    config = load_config(tmp_path / "config.yaml")
    assert config.archive_path == (tmp_path / "news.db").resolve()
    assert config.crawl.delay == 2 and config.crawl.robots is True
    assert [s.name for s in config.sources] == ["one", "two"]
    assert config.sources[1].since_delta.days == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace("  delay: 2", "  delay: 2\n  speed: fast"), ":4: crawl.speed: unknown key"),
        (GOOD.replace("delay: 2", "delay: soon"), ":3: crawl.delay: Input should be a valid number"),
        (GOOD.replace("  - name: two\n", "  - feeds: [https://example.net/rss]\n"), ":7: sources[1].name: required key is missing"),
        (GOOD.replace("name: two", "name: one"), ":4: sources: duplicate source name 'one'"),
        (GOOD.replace("https://example.com/rss.xml", "ftp//nowhere"), ":6: sources[0].feeds[0]: "),
        (GOOD.replace("every: 15m", "every: often"), ":9: sources[1].every: 'often' is not a duration"),
        (GOOD.replace("sources:", "sourcez:"), "sourcez: unknown key"),
        ("archive: x.db\nsources: [\n", "not valid YAML"),
        ("- just\n- a list\n", "must be a mapping"),
    ],
)
def test_a_broken_config_names_key_and_line(tmp_path: Path, text: str, expected: str):
    for command in ("check", "crawl"):
        result = check(tmp_path, text, command)
        assert result.exit_code == 2, result.output
        assert expected in result.output
        assert "config.yaml" in result.output
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_missing_config_file(tmp_path: Path):
    result = CliRunner().invoke(cli, ["crawl", "--config", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "no such config file" in result.output


def test_an_unknown_source_name(tmp_path: Path):
    path = tmp_path / "config.yaml"
    path.write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(cli, ["crawl", "--config", str(path), "--source", "three"])
    assert result.exit_code == 2 and "unknown source 'three'" in result.output


def test_a_source_needs_a_way_to_find_articles():
    with pytest.raises(ConfigError, match=r":2: sources\[0\]: a source needs at least one of"):
        parse_config("sources:\n  - name: lonely\n")


@pytest.mark.parametrize(("text", "seconds"), [("45s", 45), ("15m", 900), ("2h", 7200), ("1d", 86400), (30, 30)])
def test_durations(text, seconds):
    assert parse_duration(text).total_seconds() == seconds


def test_the_shipped_config_is_valid():
    config = load_config(Path(__file__).resolve().parents[1] / "config.yaml")
    assert len(config.sources) >= 4
    assert config.crawl.robots is True and config.crawl.delay >= 1
