"""How the command line prints tables and notes: fitted to the width of the terminal (or of
``COLUMNS``), with a light rule under the headers on a terminal and plain aligned text elsewhere.

Rich draws the table in the widths chosen here. What does not fit is first wrapped
inside its cells, at spaces; columns that cannot shrink enough are then dropped, least
useful first (those blank in every row before the others), and a last line names them.
Timestamps and ids never wrap: a cut timestamp reads as another time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text


@dataclass(frozen=True)
class Column:
    header: str
    numeric: bool = False  # right-aligned
    whole: bool = False  # never wrapped (timestamps, ids)
    drop: int = 0  # 0: always shown; otherwise dropped when too narrow, the highest first


def console() -> Console:
    """The console of standard output: its width is the terminal's, ``COLUMNS``, or 80."""
    return Console(highlight=False)


def print_table(out: Console, title: str, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> None:
    """Print a title line and the table, as wide as ``out`` at most."""
    shown = list(range(len(columns)))
    spans = [_span(column, [row[i] for row in rows]) for i, column in enumerate(columns)]
    while sum(spans[i][0] for i in shown) + _gaps(out, len(shown)) > out.width:
        droppable = [i for i in shown if columns[i].drop]
        if not droppable:
            break  # nothing left to drop: Rich squeezes what remains
        blank = [i for i in droppable if all(row[i] in ("", "0") for row in rows)]
        shown.remove(max(blank or droppable, key=lambda i: columns[i].drop))
    _print(out, Text(title, style="bold"))
    _print(out, _table(out, columns, rows, shown, _widths(out, [spans[i] for i in shown])))
    hidden = [columns[i].header for i in range(len(columns)) if i not in shown]
    if hidden:
        print_note(out, f"(not shown, too narrow: {', '.join(hidden)}; --json has everything)")


def _span(column: Column, cells: list[str]) -> tuple[int, int]:
    """The narrowest and the widest the column can be: its longest word (longest cell when
    whole) and its longest cell."""
    words = [cell_len(word) for text in [column.header, *cells] for word in text.split()] or [1]
    widest = max([cell_len(column.header), *map(cell_len, cells)])
    narrowest = max([*words, *(map(cell_len, cells) if column.whole else [])])
    return narrowest, widest


def _gaps(out: Console, count: int) -> int:
    # One space of padding each side of a cell, none at the edges; a divider between columns on a terminal.
    return max(0, count - 1) * (3 if out.is_terminal else 2)


def _widths(out: Console, spans: list[tuple[int, int]]) -> list[int]:
    """Each column at its narrowest, then widened towards its widest while there is room,
    the columns that need least first (so that short ones do not wrap)."""
    widths = [narrowest for narrowest, _ in spans]
    room = out.width - sum(widths) - _gaps(out, len(spans))
    for i in sorted(range(len(spans)), key=lambda i: spans[i][1] - spans[i][0]):
        grow = max(0, min(spans[i][1] - widths[i], room))
        widths[i] += grow
        room -= grow
    return widths


def timestamp(stamp: str | None) -> str:
    """An ISO timestamp from the archive to the minute, as tables show it: ``2026-11-27 08:30``."""
    return (stamp or "").replace("T", " ")[:16]


def print_note(out: Console, line: str) -> None:
    """A line of text below a table, wrapped at the width."""
    _print(out, Text(line, overflow="fold"))


def _print(out: Console, renderable: Text | Table) -> None:
    if out.is_terminal:
        out.print(renderable)
        return
    # Plain text for pipes and files: without the spaces that pad lines to the width.
    with out.capture() as captured:
        out.print(renderable)
    out.out("\n".join(line.rstrip() for line in captured.get().splitlines()), highlight=False)


def _table(out: Console, columns: Sequence[Column], rows: Sequence[Sequence[str]], shown: list[int], widths: list[int]) -> Table:
    table = Table(
        box=box.SIMPLE_HEAD if out.is_terminal else None,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
        header_style="bold" if out.is_terminal else "",
    )
    for i, width in zip(shown, widths):
        column = columns[i]
        table.add_column(column.header, justify="right" if column.numeric else "left", overflow="fold", width=width)
    for row in rows:
        table.add_row(*(Text(row[i], no_wrap=columns[i].whole) for i in shown))
    return table
