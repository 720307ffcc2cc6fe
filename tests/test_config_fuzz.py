"""Config fuzzing: whatever is in config.yaml, the answer is a config or one clear error, never a traceback."""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from pathlib import Path

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scrapy.settings import Settings

from scraper.cli import cli
from scraper.config import ConfigError, parse_config
from scraper.crawl.configure import apply_config

GOOD = {
    "archive": "news.db",
    "crawl": {"delay": 1, "timeout": 10, "retries": 2, "max_entries": 100, "workers": 0},
    "every": "1h",
    "sources": [
        {"name": "one", "feeds": ["https://example.com/rss.xml"], "since": "2d", "every": "15m"},
        {"name": "two", "sitemaps": ["https://example.org/sitemap.xml"], "follow": ["/20\\d\\d/"], "depth": 2},
    ],
}

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(["1e400", "99999999999999d", "0s", "-1h", "daily at 99:99", "http://", "https://[::1", "(", ".*"])
)
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12
)


def must_load_or_refuse(text: str) -> None:
    """A config that loads must also be usable by a crawl; one that does not gets a ConfigError."""
    try:
        config = parse_config(text)
    except ConfigError as exc:
        assert str(exc).strip()
        return
    for source in config.sources:
        apply_config(Settings(), config, source)
        if source.since_delta:
            datetime.now(timezone.utc) - source.since_delta  # what a spider computes on start
    config.archive_path  # noqa: B018 - resolving the archive path must not fail


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_good_config_with_one_value_changed(data):
    config = copy.deepcopy(GOOD)
    path = data.draw(st.sampled_from(_paths(GOOD)[1:]))
    parent = config
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = data.draw(values)
    must_load_or_refuse(yaml.safe_dump(config, allow_unicode=True))


@settings(max_examples=80, deadline=None)
@given(values)
def test_any_yaml_value(value):
    must_load_or_refuse(yaml.safe_dump(value, allow_unicode=True))


NASTY_YAML = ["[" * 5000, "a: &x [*x]", "- !!python/object:os.system {}", "\ufeffsources: []", "a: b\n\tc: d"]


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200) | st.sampled_from(NASTY_YAML))
def test_any_text(text):
    must_load_or_refuse(text)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200) | values.map(lambda value: yaml.safe_dump(value)))
def test_the_cli_answers_in_one_line_with_exit_code_0_or_2(tmp_path: Path, text):
    path = tmp_path / "config.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    result = CliRunner().invoke(cli, ["check", "--config", str(path)])
    assert result.exit_code in (0, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
