"""Options shared by several commands, as decorators (sqlite-utils' habit): one definition, one help text."""

from __future__ import annotations

import os
import sys
from typing import Callable

import click

from ..errors import ExitCode, RefernlpError
from ..loading import BACKENDS
from ..schema import RELATIONSHIP_CLI
from ..textio import DEFAULT_MAX_CHARS

DATA_FORMATS = ("auto", "refernlp", "stanford-politeness", "json", "csv", "parquet", "disk")


def fail(msg: str) -> None:
    """Print one ``refernlp: error: ...`` line on standard error."""
    click.echo(f"refernlp: error: {msg}", err=True)


def exit_on_error(exc: RefernlpError) -> None:
    fail(str(exc))
    sys.exit(ExitCode.USAGE)


def use_color(flag: bool | None) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if flag is not None:
        return flag
    return sys.stdout.isatty()


def _stack(*decorators: Callable) -> Callable:
    def apply(fn: Callable) -> Callable:
        for deco in reversed(decorators):
            fn = deco(fn)
        return fn

    return apply


files_argument = click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, allow_dash=True))
relationship_option = click.option(
    "--relationship", "-r", type=click.Choice(RELATIONSHIP_CLI, case_sensitive=False), help="Your tie with the recipient; inferred from the text when omitted."
)
color_option = click.option("--color/--no-color", default=None, help="Force or suppress colour (NO_COLOR is respected).")
#: --encoding and --errors: how draft files are decoded
decoding_options = _stack(
    click.option("--encoding", default=None, help="Decode files with this encoding instead of UTF-8 (a BOM is always honoured)."),
    click.option("--errors", "decode_errors", type=click.Choice(["strict", "replace"]), default="strict", show_default=True, help="What to do with undecodable bytes."),
)


def models_option(help: str = "A model directory from `refernlp train`; tasks it lacks fall back to the shipped models.") -> Callable:
    return click.option("--models", "models_dir", type=click.Path(), help=help)


def backend_option(help: str = "neural: add the transformer encoder's judgement (needs refernlp[neural]).") -> Callable:
    return click.option("--backend", type=click.Choice(BACKENDS), default="linear", show_default=True, help=help)


def max_chars_option(default: int | None) -> Callable:
    if default is None:
        return click.option("--max-chars", type=click.IntRange(min=1), default=None, help=f"Refuse drafts longer than this  [default: {DEFAULT_MAX_CHARS}]")
    return click.option("--max-chars", type=click.IntRange(min=1), default=default, show_default=True, help="Refuse drafts longer than this.")


#: --data-format, --text-column, --label-column: how labelled data is read
data_options = _stack(
    click.option("--data-format", type=click.Choice(DATA_FORMATS), default="auto", show_default=True),
    click.option("--text-column", help="Column holding the draft text (default: text)."),
)
