"""`newsarchive extract` and `newsarchive add`: one page, from a saved file or a loopback
server, through the extraction library and the crawl's own pipeline."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import invoke, rows, run_cli, write_config
from tests.newssite import ARTICLES, Site, article_page

STORY = ARTICLES[0]


def test_extract_prints_the_article_of_a_saved_page(tmp_path: Path) -> None:
    page = tmp_path / "story.html"
    page.write_text(article_page(STORY, "https://news.example"), encoding="utf-8")
    result = invoke("extract", str(page), "--json", "--url", f"https://news.example{STORY.path}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    article = json.loads(result.stdout)
    assert article["title"] == STORY.title
    assert article["authors"] == STORY.authors
    assert article["published"][:10] == STORY.published[:10]
    assert STORY.paragraphs[0] in article["text"] and article["not_article"] is None
    plain = invoke("extract", str(page), cwd=tmp_path)
    assert plain.stdout.startswith(f"title: {STORY.title}\n") and STORY.paragraphs[-1] in plain.stdout


def test_extract_says_why_a_page_is_no_article_and_refuses_a_missing_file(tmp_path: Path) -> None:
    page = tmp_path / "home.html"
    page.write_text("<html><body><nav><a href='/a'>Home</a></nav><p>Welcome.</p></body></html>", encoding="utf-8")
    result = invoke("extract", str(page), cwd=tmp_path)
    assert result.returncode == 1 and "not an article: " in result.stderr and "words" in result.stderr
    missing = invoke("extract", str(tmp_path / "nothing.html"), cwd=tmp_path)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "Traceback" not in missing.stderr


def test_extract_fetches_a_url_once_and_add_archives_pages_now(tmp_path: Path, make_site) -> None:
    site: Site = make_site()
    site.add(STORY.path, article_page(STORY, site.base))
    site.add("/about", "<html><body><p>About us.</p></body></html>")
    write_config(tmp_path, [{"name": "daily", "feeds": [f"{site.base}/rss.xml"]}])

    fetched = run_cli("extract", f"{site.base}{STORY.path}", "--json", cwd=tmp_path)
    assert fetched.returncode == 0, fetched.stderr
    assert json.loads(fetched.stdout)["title"] == STORY.title
    assert site.hits(STORY.path) == 1
    assert not (tmp_path / "archive.db").exists()  # extract archives nothing

    added = run_cli("add", f"{site.base}{STORY.path}", f"{site.base}/about", "--source", "daily", cwd=tmp_path)
    assert "Traceback" not in added.stderr
    assert added.returncode == 1  # /about is no article
    assert f"article: {site.base}{STORY.path}" in added.stdout
    assert f"not_article: {site.base}/about" in added.stdout
    stored = rows(tmp_path / "archive.db", "SELECT source, title FROM articles")
    assert stored == [{"source": "daily", "title": STORY.title}]

    again = run_cli("add", f"{site.base}{STORY.path}", cwd=tmp_path)
    assert again.returncode == 0 and f"known: {site.base}{STORY.path}" in again.stdout
    assert site.hits(STORY.path) == 2  # the archived page is not fetched again


def test_add_refuses_what_is_not_a_web_url(tmp_path: Path) -> None:
    write_config(tmp_path, [{"name": "daily", "feeds": ["https://news.example/rss.xml"]}])
    result = invoke("add", "file:///etc/passwd", cwd=tmp_path)
    assert result.returncode == 2 and "is not an http(s) URL" in result.stderr
