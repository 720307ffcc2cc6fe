"""The generated reference: the command reference from the commands' own ``--help``.

``docs/commands.md`` and ``docs/schema.md`` are written by cog from this module and
``archive.schema``; ``tests/test_docs.py`` fails when either is stale. Regenerate with
``python -m cogapp -r docs/commands.md docs/schema.md``.
"""

from __future__ import annotations

import click

# Help is wrapped at a fixed width, so the generated file does not depend on the terminal.
HELP_WIDTH = 88


def commands_markdown() -> str:
    """Every ``newsarchive`` command's ``--help``, as Markdown sections."""
    from scraper.cli import cli

    root = click.Context(cli, info_name="newsarchive", terminal_width=HELP_WIDTH, max_content_width=HELP_WIDTH)
    out = ["## newsarchive\n", "```", cli.get_help(root), "```\n"]
    for name in cli.list_commands(root):
        command = cli.get_command(root, name)
        if command is None or command.hidden:
            continue
        context = click.Context(command, info_name=name, parent=root, terminal_width=HELP_WIDTH, max_content_width=HELP_WIDTH)
        out += [f"## newsarchive {name}\n", "```", command.get_help(context), "```\n"]
    return "\n".join(out)
