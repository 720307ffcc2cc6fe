"""How archive values read in a browser: highlighted snippets as HTML, JSON name lists as names."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup, escape

from archive.queries import HIGHLIGHT


def highlighted(snippet: str | None) -> Markup:
    """A search snippet as HTML: the article text escaped, only the matched words marked."""
    html = str(escape(snippet or ""))
    return Markup(html.replace(HIGHLIGHT[0], "<mark>").replace(HIGHLIGHT[1], "</mark>"))


def json_list(value: Any) -> list[str]:
    """The names in a JSON array column (authors, tags); empty for anything else."""
    try:
        items = json.loads(value) if isinstance(value, str) else []
    except ValueError:
        return []
    return [str(item) for item in items] if isinstance(items, list) else []
