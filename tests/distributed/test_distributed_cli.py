"""Distributed mode's bad inputs: one clear line and the right exit code, no Redis needed."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from scraper.cli import cli
from tests.conftest import write_config
from tests.harness import free_port

SOURCE = {"name": "one", "feeds": ["http://127.0.0.1:9/rss.xml"]}


def invoke(folder: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [args[0], "--config", str(folder / "config.yaml"), *args[1:]])


def test_a_frontier_that_is_not_redis_is_a_config_error(tmp_path: Path):
    config = write_config(tmp_path, [SOURCE])
    config.write_text(config.read_text() + "frontier: http://127.0.0.1:6379\nfrontier_timeout: 2s\n")
    result = invoke(tmp_path, "check")
    assert result.exit_code == 2
    assert "frontier: 'http://127.0.0.1:6379' is not a Redis URL such as redis://127.0.0.1:6379/0" in result.stderr
    assert "frontier_timeout: '2s' is too short" in result.stderr
    assert "Traceback" not in result.output


def test_worker_and_writer_need_a_frontier(tmp_path: Path):
    write_config(tmp_path, [SOURCE])
    for command in ("worker", "writer"):
        result = invoke(tmp_path, command)
        assert result.exit_code == 2, result.output
        assert "no frontier: set `frontier: redis://HOST:PORT/DB` or pass --frontier" in result.stderr
    result = invoke(tmp_path, "crawl", "--frontier", "127.0.0.1:6379")
    assert result.exit_code == 2 and "--frontier: '127.0.0.1:6379' is not a Redis URL" in result.stderr


def test_an_unreachable_redis_is_one_line_and_exit_1(tmp_path: Path):
    write_config(tmp_path, [SOURCE])
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    for command in ("crawl", "worker", "writer"):
        result = invoke(tmp_path, command, "--frontier", url)
        assert result.exit_code == 1, (command, result.output)
        assert result.stderr.startswith(f"Error: cannot reach Redis at {url}: "), result.stderr
        assert "Traceback" not in result.output
    assert not (tmp_path / "archive.db").exists()  # the archive is the writer's, opened only once Redis answers
