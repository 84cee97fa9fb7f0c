"""The Ray engine (``pip install "refernlp[ray]"``): Ray Data reads the corpus, an actor pool critiques it.

The dataset starts from the scan's chunks (a few hundred bytes each); a read task
per chunk reads its rows from the input file (so the file must be at the same path
on every node: a shared filesystem, or the job's ``--working-dir``), skipping rows
already written; ``map_batches`` then runs an actor pool in which
each actor holds one :class:`~refernlp.critic.Critic`. Order is preserved and the
driver writes the records through the same writer as the local engine, so the
output format and ``--resume`` are identical.

``ray.init()`` starts a local Ray unless ``RAY_ADDRESS`` points at a cluster; a Ray
already initialised by the caller is used as it is and left running.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any, Iterator

from ..errors import MissingExtraError, RefernlpError
from ..textio import DEFAULT_MAX_CHARS
from .sources import Chunk, Source
from .work import Worker, from_json_row, to_json_row

RAY_INSTALL = 'the ray engine needs Ray Data: pip install "refernlp[ray]"'


def import_ray():
    try:
        import ray
        import ray.data
        import ray.exceptions
    except ImportError:
        raise MissingExtraError(RAY_INSTALL) from None
    return ray


def read_chunks(batch: Any, spec: dict[str, Any], max_chars: int) -> Any:
    """Ray read task: the rows of each chunk in ``batch`` that are not yet written, as JSON work rows."""
    import pyarrow as pa

    source = Source(**spec)
    rows: list[str] = []
    for item in batch.to_pylist():
        skip = set(json.loads(item["skip"]))
        chunk = Chunk(item["start"], item["offset"], item["count"])
        for row in source.rows(chunk):
            if row.index not in skip:
                rows.append(to_json_row((row.id, row.index, row.text, row.relationship, row.error), max_chars))
    return pa.table({"row": pa.array(rows, type=pa.string())})


class CriticActor:
    """One actor of the pool: one critic, loaded once."""

    def __init__(self, critic_options: dict[str, Any], batch_size: int) -> None:
        self.worker = Worker(critic_options)
        self.batch_size = batch_size

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        rows = [from_json_row(line) for line in batch.column("row").to_pylist()]
        lines, errors = self.worker(rows, self.batch_size)
        return pa.table({"record": pa.array(lines, type=pa.string()), "errors": pa.array(([errors] + [0] * (len(lines) - 1)) if lines else [], type=pa.int64())})


def default_workers() -> int:
    """Actors to start when ``--workers`` is not given: one per CPU Ray can see."""
    ray = import_ray()
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def ensure_ray(num_cpus: int | None = None) -> bool:
    """Start Ray (a local one unless ``RAY_ADDRESS`` is set) if the caller has not; True when started here."""
    ray = import_ray()
    if ray.is_initialized():
        return False
    # Ray's INFO lines would drown refernlp's progress; its warnings and errors still show
    kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "logging_level": logging.WARNING}
    if not os.environ.get("RAY_ADDRESS") and num_cpus:
        kwargs["num_cpus"] = num_cpus
    try:
        ray.init(**kwargs)
    except Exception as exc:  # noqa: BLE001 - Ray raises bare Exception, ConnectionError, RuntimeError...
        where = f"the cluster at RAY_ADDRESS={os.environ['RAY_ADDRESS']}" if os.environ.get("RAY_ADDRESS") else "a local Ray"
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        raise RefernlpError(f"could not start {where}: {lines[0] if lines else type(exc).__name__}") from None
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    return True


def ray_batches(
    source: Source,
    chunks: list[tuple[Chunk, list[int]]],
    *,
    critic_options: dict[str, Any],
    workers: int,
    batch_size: int,
) -> Iterator[tuple[list[str], int]]:
    """Critique the chunks' pending rows on Ray; yield each output block's JSON records in input order, with its errors."""
    ray = import_ray()
    if not chunks:
        return
    ctx = ray.data.DataContext.get_current()
    saved = ctx.execution_options.preserve_order, ctx.enable_progress_bars
    ctx.execution_options.preserve_order = True  # output order = input order, as with the local engine
    ctx.enable_progress_bars = False  # refernlp prints its own
    try:
        items = [{"start": c.start, "offset": c.offset, "count": c.count, "skip": json.dumps(skip)} for c, skip in chunks]
        max_chars = critic_options.get("max_chars", DEFAULT_MAX_CHARS)
        ds = ray.data.from_items(items, override_num_blocks=len(items))
        ds = ds.map_batches(read_chunks, fn_kwargs={"spec": source.spec(), "max_chars": max_chars}, batch_size=1, batch_format="pyarrow")
        ds = ds.map_batches(
            CriticActor,
            fn_constructor_kwargs={"critic_options": critic_options, "batch_size": batch_size},
            batch_size=batch_size,
            batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=workers),
            num_cpus=1,
        )
        for batch in ds.iter_batches(batch_format="pyarrow", batch_size=None):
            yield batch.column("record").to_pylist(), sum(batch.column("errors").to_pylist())
    except ray.exceptions.RayError as exc:
        # Ray's message is the remote traceback; its last line names the cause (a ModelError...)
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        raise RefernlpError(f"a Ray worker failed: {lines[-1] if lines else type(exc).__name__}; "
                            "the records written so far are complete: finish with --resume") from None
    finally:
        ctx.execution_options.preserve_order, ctx.enable_progress_bars = saved
