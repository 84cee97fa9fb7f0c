"""Critique a whole corpus, resumably, in local processes or on a Ray cluster.

>>> from refernlp.batch import critique_corpus
>>> critique_corpus("drafts.csv", "critiques.jsonl", text_column="message", id_column="msg_id")  # doctest: +SKIP
BatchSummary(rows=5000, written=5000, critiqued=4990, errors=10, ...)

One output record per input row, in input order: ``{"id": ..., "critique": {...schema v1...}}``,
or ``{"id": ..., "error": {"code": ..., "message": ...}}`` for a row that cannot be critiqued
(a row whose id cannot be read has ``"id": null`` and its ``"row"`` number). Everything that
can be wrong with the invocation (file, format, columns, duplicate ids, an existing output
without ``resume``/``force``, a missing extra) raises a :class:`~refernlp.errors.RefernlpError`
before any work and before the output is touched.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Iterator

from ..errors import ConfigError, ModelError
from ..textio import DEFAULT_MAX_CHARS
from .local import local_batches
from .progress import BatchSummary, Progress
from .sinks import JOURNAL_SUFFIX, Sink, read_records
from .sources import INPUT_FORMATS, OUTPUT_FORMATS, Source

ENGINES = ("local", "ray")
DEFAULT_BATCH_SIZE = 64

__all__ = ["BatchSummary", "DEFAULT_BATCH_SIZE", "ENGINES", "INPUT_FORMATS", "JOURNAL_SUFFIX", "OUTPUT_FORMATS",
           "critique_corpus", "read_records"]


def critique_corpus(
    input: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    text_column: str = "text",
    id_column: str | None = None,
    relationship_column: str | None = None,
    input_format: str | None = None,
    output_format: str | None = None,
    engine: str = "local",
    workers: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    resume: bool = False,
    force: bool = False,
    models_dir: str | os.PathLike[str] | None = None,
    backend: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    progress: bool | Progress = False,
) -> BatchSummary:
    """Critique every row of ``input`` into ``output`` (JSON Lines or Parquet) and return a summary.

    ``engine="local"`` runs ``workers`` processes (1: this process), each loading the
    critic once; ``engine="ray"`` runs an actor pool of ``workers`` critics on Ray
    (default: one per CPU of the cluster). ``resume=True`` skips the ids already in
    ``output`` and appends the rest; without it an existing ``output`` is refused unless
    ``force=True``. ``backend`` and ``models_dir`` go to :meth:`Critic.load` in every
    worker (``backend=None``: its default). ``progress``: True for the bar/lines on
    standard error, or a :class:`Progress` of your own.
    """
    started = time.perf_counter()
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r} (use {' or '.join(ENGINES)})")
    if workers is not None and workers < 1:
        raise ConfigError(f"workers must be at least 1, got {workers}")
    if batch_size < 1:
        raise ConfigError(f"batch size must be at least 1, got {batch_size}")
    if models_dir is not None and not Path(models_dir).is_dir():
        raise ModelError(f"model directory {models_dir} does not exist" if not Path(models_dir).exists() else f"{models_dir} is a file, not a model directory")
    if backend is not None:
        from ..loading import check_backend

        check_backend(backend)
    source = Source(input, text_column=text_column, id_column=id_column, relationship_column=relationship_column, input_format=input_format)
    sink = Sink(output, output_format=output_format, resume=resume, force=force)
    if Path(output).resolve() == source.path.resolve():
        raise ConfigError(f"{output}: the output would overwrite the input")
    done = sink.check()
    if engine == "ray":
        from .ray_engine import import_ray

        import_ray()
    scan = source.scan()
    pending = sum(1 for k in scan.keys if k not in done)
    critic_options: dict[str, Any] = {"models_dir": models_dir, "max_chars": max_chars}
    if backend is not None:
        critic_options["backend"] = backend

    ray_started = False
    if engine == "ray":
        from .ray_engine import default_workers, ensure_ray, ray_batches

        ray_started = ensure_ray(workers)
        workers = workers or default_workers()
        chunks = []
        for c in scan.chunks:
            skip = [i for i in range(c.start, c.start + c.count) if scan.keys[i] in done]
            if len(skip) < c.count:
                chunks.append((c, skip))
        batches: Iterator[tuple[list[str], int]] = ray_batches(source, chunks, critic_options=critic_options, workers=workers, batch_size=batch_size)
    else:
        workers = workers or 1
        rows = ((r.id, r.index, r.text, r.relationship, r.error) for r in source.rows() if r.key not in done)
        batches = local_batches(rows, critic_options=critic_options, workers=workers, batch_size=batch_size)

    bar = progress if isinstance(progress, Progress) else Progress(pending, enabled=bool(progress))
    written = errors = 0
    first: float | None = None
    complete = False
    try:
        for lines, n_errors in batches:
            if first is None:
                # the output is touched only once the engine has produced its first results,
                # so a critic that fails to load (a bad model directory) leaves it as it was
                first = time.perf_counter() - started
                sink.open()
            sink.write(lines)
            written += len(lines)
            errors += n_errors
            bar.update(len(lines))
        if first is None:
            sink.open()  # nothing left to do: still write (or finalise) the output
        complete = True
    finally:
        bar.close()
        sink.close(complete=complete)
        if ray_started:
            import ray

            ray.shutdown()
    return BatchSummary(rows=len(scan.keys), written=written, critiqued=written - errors, errors=errors,
                        skipped=len(scan.keys) - pending, seconds=time.perf_counter() - started,
                        first_result_seconds=first, output=str(output), engine=engine, workers=workers)
