"""Revisions and the revisit policy, on a real SQLite archive (no crawl needed)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from archive.queries import any_due_revisits, due_revisits, history, keyset_rows
from archive.store import Archive
from scraper.config import ConfigError, parse_config

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
TEXT = "First paragraph of the story.\n\nSecond paragraph, with the facts as first reported."


def article(title: str = "A headline", text: str = TEXT) -> dict:
    return {"title": title, "text": text, "authors": ["A. Writer"], "extractor": "test-extractor 1"}


def store(archive: Archive, url: str, body: bytes, source: str = "daily", **fields) -> str:
    return archive.record_page(
        url=url, source=source, kind="article", outcome="article", status=200, crawl_id=None,
        body=body, headers={"Content-Type": "text/html"}, article=article(**fields),
    )  # fmt: skip


@pytest.fixture
def archive(tmp_path: Path):
    with Archive(tmp_path / "archive.db") as opened:
        yield opened


def test_whitespace_and_markup_changes_add_no_revision(archive):
    url = "https://news.example/story"
    assert store(archive, url, b"<p>v1</p>") == "new"
    spaced = TEXT.replace(" ", "  ").replace("\n\n", "\n\n\n") + "  "
    assert store(archive, url, b"<div><p>v1, new markup</p></div>", text=spaced) == "unchanged"
    assert archive.db["revisions"].count == 0
    assert len(history(archive.db, url)) == 1


def test_an_edit_keeps_the_earlier_version_and_its_diff(archive):
    url = "https://news.example/story"
    store(archive, url, b"<p>v1</p>")
    edited = TEXT.replace("as first reported", "as corrected on Tuesday")
    assert store(archive, url, b"<p>v2</p>", text=edited) == "updated"
    assert store(archive, url, b"<p>v3</p>", title="A corrected headline", text=edited) == "updated"

    versions = history(archive.db, url)
    assert [v["version"] for v in versions] == [1, 2, 3]
    assert versions[0]["text"] == TEXT and versions[1]["text"] == edited
    assert versions[2]["title"] == "A corrected headline" and versions[2]["diff"] is None
    assert versions[0]["replaced_at"] == versions[1]["fetched_at"]
    assert "-Second paragraph, with the facts as first reported." in versions[0]["diff"]
    assert "+Second paragraph, with the facts as corrected on Tuesday." in versions[0]["diff"]
    assert "-A headline" in versions[1]["diff"] and "+A corrected headline" in versions[1]["diff"]
    # Each kept version points at the raw page it was extracted from.
    assert archive.body(archive.db["revisions"].get(1)["body_hash"]) == b"<p>v1</p>"
    assert archive.db["articles_fts"].count == 1


def _age(archive: Archive, url: str, first_seen: datetime, fetched: datetime) -> None:
    with archive.db.conn:
        archive.db.execute(
            "UPDATE articles SET first_seen = ?, last_fetched = ? WHERE url = ?",
            [first_seen.isoformat(), fetched.isoformat(), url],
        )
        archive.db.execute("UPDATE pages SET fetched_at = ? WHERE url = ?", [fetched.isoformat(), url])


def test_revisits_are_due_at_each_step_then_never(archive):
    steps = [timedelta(hours=1), timedelta(hours=6)]
    ages = {  # name: (age since first seen, hours after first seen it was last fetched)
        "young": (timedelta(minutes=30), 0),
        "past-first-step": (timedelta(hours=2), 0),
        "revisited-after-first-step": (timedelta(hours=2), 1.5),
        "past-second-step": (timedelta(hours=7), 2),
        "beyond-the-limit": (timedelta(hours=13), 0),
    }
    for name, (age, fetched_after) in ages.items():
        url = f"https://news.example/{name}"
        store(archive, url, name.encode())
        _age(archive, url, NOW - age, NOW - age + timedelta(hours=fetched_after))
    store(archive, "https://other.example/x", b"x", source="other")

    due = [row["url"].rsplit("/", 1)[1] for row in due_revisits(archive.db, "daily", steps, now=NOW)]
    assert due == ["past-second-step", "past-first-step"]  # oldest first
    everything = list(due_revisits(archive.db, "daily", steps, now=NOW, everything=True, batch=2))
    assert len(everything) == len(ages)
    assert not list(due_revisits(archive.db, "daily", [], now=NOW))


def test_a_failed_revisit_counts_as_a_visit(archive):
    url = "https://news.example/deleted"
    store(archive, url, b"v1")
    now = datetime.now(timezone.utc)
    _age(archive, url, now - timedelta(minutes=90), now - timedelta(minutes=90))
    assert [row["url"] for row in due_revisits(archive.db, "daily", [timedelta(hours=1)], now=now)] == [url]
    assert any_due_revisits(archive.db, "daily", [timedelta(hours=1)])
    archive.record_page(url=url, source="daily", kind="article", outcome="error", status=404, crawl_id=None, error="http_404")
    assert not list(due_revisits(archive.db, "daily", [timedelta(hours=1)], now=now + timedelta(minutes=1)))
    # The crawl builds no revisit crawler for a source with nothing due, unless everything is.
    assert not any_due_revisits(archive.db, "daily", [timedelta(hours=1)])
    assert any_due_revisits(archive.db, "daily", [timedelta(hours=1)], everything=True)
    assert not any_due_revisits(archive.db, "nobody", [timedelta(hours=1)], everything=True)


def test_revisit_steps_are_configured_globally_and_per_source():
    config = parse_config(
        "crawl: {revisit: [2h, 2d]}\n"
        "sources:\n"
        "  - {name: a, urls: ['https://a.example/']}\n"
        "  - {name: b, urls: ['https://b.example/'], revisit: []}\n"
        "  - {name: c, urls: ['https://c.example/'], revisit: [30m]}\n"
    )
    assert [config.revisit_steps(source) for source in config.sources] == [
        [timedelta(hours=2), timedelta(days=2)],
        [],
        [timedelta(minutes=30)],
    ]
    assert parse_config("sources: [{name: a, urls: ['https://a.example/']}]").crawl.revisit == ["1h", "6h", "24h", "3d"]
    with pytest.raises(ConfigError, match=r"config.yaml:1: sources\[0\].revisit: revisit steps must grow"):
        parse_config("sources: [{name: a, urls: ['https://a.example/'], revisit: [1d, 1h]}]")


def test_keyset_batches_read_every_row_once(archive):
    for n in range(7):
        store(archive, f"https://news.example/{n}", str(n).encode())
    seen = []
    for row in keyset_rows(archive.db, "SELECT rowid, url FROM articles WHERE 1", {}, batch=3):
        seen.append(row.pop("url"))  # callers may take the rows apart
        row.clear()
    assert seen == [f"https://news.example/{n}" for n in range(7)]
