"""The ``refernlp`` command: a thin layer over the library API.

Each command parses its options, makes one library call per input and
renders the result. Library exceptions become one-line errors here and
nowhere else; exit codes are :class:`refernlp.errors.ExitCode`.
"""

from __future__ import annotations

import click

from .._version import __version__
from .batch import batch
from .config import CONFIG_NAMES, load_cli_config
from .critique import critique, explain, rewrite, rules
from .options import OneLineErrors
from .serve import serve
from .train import evaluate, train

__all__ = ["CONFIG_NAMES", "load_cli_config", "main"]


@click.group(name="refernlp", cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="refernlp")
def main() -> None:
    """Critique and improve job-referral request messages.

    \b
    Examples:
      refernlp critique draft.txt
      refernlp critique --relationship weak --format json draft.txt
      cat draft.txt | refernlp critique -
    """


for _command in (critique, rewrite, rules, explain, train, evaluate, serve, batch):
    main.add_command(_command)
