"""The local engine: the calling process for one worker, a process pool for more.

Each pool process loads its critic once (the pool's initializer). At most a few
batches per worker are in flight, so memory stays flat on any corpus size, and
results come back in input order.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import Any, Iterable, Iterator

from ..errors import RefernlpError
from .work import Worker, WorkRow, init_process, run_in_process

#: batches queued per worker: enough to keep every worker busy, few enough to bound memory
IN_FLIGHT_PER_WORKER = 3


def batches_of(rows: Iterable[WorkRow], size: int) -> Iterator[list[WorkRow]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


def local_batches(rows: Iterable[WorkRow], *, critic_options: dict[str, Any], workers: int, batch_size: int) -> Iterator[tuple[list[str], int]]:
    """Critique ``rows``; yield each batch's JSON records, in input order, with its number of errors."""
    if workers <= 1:
        worker = Worker(critic_options)
        for batch in batches_of(rows, batch_size):
            yield worker(batch, batch_size)
        return
    # spawn, not fork: a forked child inherits the parent's threads' locks (ONNX, BLAS) half-held
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=init_process, initargs=(critic_options,)) as pool:
        pending: deque[Future[tuple[list[str], int]]] = deque()
        try:
            for batch in batches_of(rows, batch_size):
                pending.append(pool.submit(run_in_process, batch, batch_size))
                if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BrokenProcessPool:
            raise RefernlpError("a worker process died (killed, or out of memory); the records written so far are complete: "
                             "finish with --resume") from None
        finally:
            for future in pending:
                future.cancel()
