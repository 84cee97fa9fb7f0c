"""``refernlp batch``: critique a whole corpus into JSON Lines or Parquet, resumably, locally or on Ray."""

from __future__ import annotations

import click

from ..errors import ExitCode, RefernlpError
from ..textio import DEFAULT_MAX_CHARS
from .options import backend_option, exit_on_error, fail, max_chars_option, models_option


@click.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(dir_okay=False, allow_dash=False))
@click.option("--out", "-o", "output", required=True, type=click.Path(dir_okay=False), help="Output file: .jsonl or .parquet.")
@click.option("--text-column", required=True, help="Column holding the draft text.")
@click.option("--id-column", help="Column holding each row's id (default: the 0-based row number). Ids must be unique.")
@click.option("--relationship-column", help="Column holding the relationship (strong, weak, second-degree; empty: inferred).")
@click.option("--input-format", type=click.Choice(("auto", "jsonl", "csv", "parquet")), default="auto", show_default=True, help="auto: from the extension (.jsonl/.ndjson, .csv, .parquet).")
@click.option("--output-format", type=click.Choice(("auto", "jsonl", "parquet")), default="auto", show_default=True, help="auto: from the extension.")
@click.option("--engine", type=click.Choice(("local", "ray")), default="local", show_default=True, help='local: a process pool; ray: Ray Data with an actor pool (needs refernlp[ray]; RAY_ADDRESS picks a cluster).')
@click.option("--workers", "-j", type=click.IntRange(min=1), default=None, help="Critic processes or Ray actors  [default: local 1, ray one per CPU]")
@click.option("--batch-size", type=click.IntRange(min=1), default=64, show_default=True, help="Rows per batch sent to a worker (and written at once).")
@click.option("--resume", is_flag=True, help="Complete an interrupted OUTPUT: skip the ids already written.")
@click.option("--force", is_flag=True, help="Overwrite an existing OUTPUT.")
@models_option()
@backend_option()
@max_chars_option(DEFAULT_MAX_CHARS)
@click.option("--quiet", "-q", is_flag=True, help="No progress and no summary.")
def batch(input_path, output, text_column, id_column, relationship_column, input_format, output_format, engine, workers,
          batch_size, resume, force, models_dir, backend, max_chars, quiet) -> None:
    """Critique every row of INPUT (JSON Lines, CSV or Parquet) into OUTPUT.

    One record per input row, in input order: {"id": ..., "critique": {...}}, or
    {"id": ..., "error": {"code": ..., "message": ...}} for a row that cannot be
    critiqued (empty, binary, over-long, unreadable); a bad row never stops the run.
    Records are written whole and flushed, so an interrupted run is completed with
    --resume, losing and repeating nothing.

    \b
    Examples:
      refernlp batch drafts.csv --out critiques.jsonl --text-column message --id-column msg_id
      refernlp batch drafts.csv --out critiques.jsonl --text-column message --id-column msg_id --resume
      refernlp batch corpus.parquet --out out.parquet --text-column text --engine ray --workers 8

    \b
    Exit status: 0 done (error records included), 2 bad usage or input
    (missing column, unreadable input, unknown format, duplicate ids, existing OUTPUT).
    """
    from ..batch import critique_corpus

    if resume and force:
        fail("--resume and --force contradict each other: pick one")
        raise SystemExit(ExitCode.USAGE)
    try:
        summary = critique_corpus(
            input_path, output, text_column=text_column, id_column=id_column, relationship_column=relationship_column,
            input_format=input_format, output_format=output_format, engine=engine, workers=workers,
            batch_size=batch_size, resume=resume, force=force, models_dir=models_dir, backend=backend,
            max_chars=max_chars, progress=not quiet,
        )
    except RefernlpError as exc:
        exit_on_error(exc)
    except KeyboardInterrupt:
        fail(f"interrupted: the records written so far are complete; finish with --resume ({output})")
        raise SystemExit(130) from None
    if not quiet:
        click.echo(f"refernlp batch: {summary.line()}", err=True)
