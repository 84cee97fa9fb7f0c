"""Options shared by several commands, as decorators (sqlite-utils' habit): one definition, one help text."""

from __future__ import annotations

import os
import sys
from typing import Callable

import click

from ..errors import ExitCode, RefernlpError
from ..loading import BACKEND_ALIASES, BACKENDS, DEFAULT_BACKEND
from ..schema import RELATIONSHIP_CLI
from ..textio import DEFAULT_MAX_CHARS

DATA_FORMATS = ("auto", "refernlp", "stanford-politeness", "json", "csv", "parquet", "disk")


def fail(msg: str) -> None:
    """Print one ``refernlp: error: ...`` line on standard error."""
    click.echo(f"refernlp: error: {msg}", err=True)


def exit_on_error(exc: RefernlpError) -> None:
    fail(str(exc))
    sys.exit(ExitCode.USAGE)


def usage_line(exc: click.UsageError) -> str:
    """A click usage error as one ``refernlp: error: ...`` line, with a hint where to look."""
    msg = " ".join(exc.format_message().split())
    if msg[:1].isupper() and msg[1:2].islower():
        msg = msg[0].lower() + msg[1:]
    path = exc.ctx.command_path if exc.ctx is not None else "refernlp"
    return f"refernlp: error: {msg.rstrip('.')} (see '{path} --help')"


class OneLineErrors(click.Group):
    """A group whose usage errors, everywhere below it, print one line and exit 2, like every other error."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):  # type: ignore[override]
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            no_args = getattr(click.exceptions, "NoArgsIsHelpError", ())
            # a bare group prints its help, as click does, rather than the help squeezed onto one line
            click.echo(exc.format_message() if no_args and isinstance(exc, no_args) else usage_line(exc), err=True)
            sys.exit(ExitCode.USAGE)
        except click.ClickException as exc:
            fail(" ".join(exc.format_message().split()))
            sys.exit(exc.exit_code)
        except click.Abort:
            fail("aborted")
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


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


BACKEND_HELP = (
    "accurate: the fine-tuned encoder (onnxruntime) blended with the linear models; "
    "fast: the linear models alone, about 2.5x the throughput; "
    "neural: models you trained with `refernlp train --backend neural` (needs refernlp[neural]). "
    "'linear' is accepted for fast."
)


def backend_option(help: str = BACKEND_HELP, choices: tuple[str, ...] = BACKENDS + tuple(BACKEND_ALIASES), default: str = DEFAULT_BACKEND) -> Callable:
    return click.option("--backend", type=click.Choice(choices), default=default, show_default=True, help=help)


def max_chars_option(default: int | None) -> Callable:
    if default is None:
        return click.option("--max-chars", type=click.IntRange(min=1), default=None, help=f"Refuse drafts longer than this  [default: {DEFAULT_MAX_CHARS}]")
    return click.option("--max-chars", type=click.IntRange(min=1), default=default, show_default=True, help="Refuse drafts longer than this.")


#: --data-format, --text-column, --label-column: how labelled data is read
data_options = _stack(
    click.option("--data-format", type=click.Choice(DATA_FORMATS), default="auto", show_default=True),
    click.option("--text-column", help="Column holding the draft text (default: text)."),
)
