"""The work both engines share: one critic per worker process, rows in, JSON records out.

Each worker (a pool process or a Ray actor) loads its :class:`~refernlp.critic.Critic`
once. A batch of rows is checked row by row first (so one bad draft becomes one
error record and never fails its batch), then the good drafts are parsed together
with ``nlp.pipe`` (:meth:`Critic.analyse_many`) and each is critiqued with its own
relationship.
"""

from __future__ import annotations

import json
from typing import Any, Sequence

from ..errors import InputError, RefernlpError
from ..schema import normalise_relationship
from ..textio import check_text

#: codes of error records for drafts the critic refuses (``check_text``'s reasons, in its order)
NOT_TEXT = "not_text"
TOO_LONG = "text_too_long"
BINARY = "binary"
EMPTY = "empty"
TOO_SHORT = "too_short"
BAD_RELATIONSHIP = "bad_relationship"
FAILED = "critique_failed"  #: the critic raised on a draft it had accepted (a bug: reported, never fatal)

#: a row as it travels to a worker: (id, row number, text, relationship, error or None)
WorkRow = tuple[Any, int, Any, Any, "tuple[str, str] | None"]


def error_code(exc: InputError, text: Any, max_chars: int) -> str:
    """The stable code of ``check_text``'s refusal of ``text`` (an error's own ``code`` wins when it has one)."""
    code = getattr(exc, "code", None)
    if isinstance(code, str):
        return code
    if not isinstance(text, str):
        return NOT_TEXT
    if len(text) > max_chars:
        return TOO_LONG
    if "\x00" in text:
        return BINARY
    return EMPTY if not text.strip() else TOO_SHORT


def refusal(text: Any, index: int, max_chars: int) -> tuple[str, str] | None:
    """Why ``check_text`` refuses row ``index``'s text, as (code, message), or None when it accepts it."""
    try:
        check_text(text, max_chars=max_chars)
    except InputError as exc:
        return (error_code(exc, text, max_chars), f"row {index}: {exc}")
    return None


def relationship_of(rel: Any, index: int) -> tuple[str | None, tuple[str, str] | None]:
    """A row's relationship (None: infer it) and the error record's reason when it is not one."""
    try:
        if rel is not None and not isinstance(rel, str):
            raise InputError(f"relationship must be a string, got {type(rel).__name__}")
        return normalise_relationship(rel if rel and rel.strip() else None), None
    except InputError as exc:
        return None, (BAD_RELATIONSHIP, f"row {index}: {exc}")


def to_json_row(row: WorkRow, max_chars: int) -> str:
    """A row as JSON, for Ray; a text or relationship JSON cannot hold is refused now, as a worker would."""
    rid, index, text, rel, error = row
    if error is None and not isinstance(text, (str, int, float, bool, list, dict)):
        error = refusal(text, index, max_chars)
    if error is None and not isinstance(rel, (str, type(None))):
        error = relationship_of(rel, index)[1]
        rel = None
    return json.dumps([rid, index, text if error is None else None, rel, error], ensure_ascii=False)


def from_json_row(line: str) -> WorkRow:
    rid, index, text, rel, error = json.loads(line)
    return (rid, index, text, rel, tuple(error) if error is not None else None)


def record(rid: Any, index: int, *, critique: dict[str, Any] | None = None, error: tuple[str, str] | None = None) -> str:
    """One output record as a JSON line (without newline)."""
    rec: dict[str, Any] = {"id": rid}
    if rid is None:
        rec["row"] = index  # the id could not be read: the row number is what resume matches on
    if critique is not None:
        rec["critique"] = critique
    else:
        code, message = error  # type: ignore[misc]
        rec["error"] = {"code": code, "message": message}
    return json.dumps(rec, ensure_ascii=False)


class Worker:
    """A loaded critic that turns batches of :data:`WorkRow` into JSON records, in order."""

    def __init__(self, critic_options: dict[str, Any]) -> None:
        from ..critic import Critic

        self.critic = Critic.load(**critic_options)

    def __call__(self, rows: Sequence[WorkRow], batch_size: int = 64) -> tuple[list[str], int]:
        """The batch's records in order, and how many of them are errors."""
        out: list[str | None] = [None] * len(rows)
        good: list[int] = []
        rels: list[str | None] = []
        failed: dict[int, bool] = {}
        max_chars = self.critic.max_chars
        for i, (rid, index, text, rel, error) in enumerate(rows):
            if error is not None:
                out[i] = record(rid, index, error=error)
                continue
            refused = refusal(text, index, max_chars)
            if refused is None:
                rel, refused = relationship_of(rel, index)
            if refused is not None:
                out[i] = record(rid, index, error=refused)
                continue
            rels.append(rel)
            good.append(i)
        try:
            analyses = self.critic.analyse_many([rows[i][2] for i in good], batch_size=batch_size)
        except Exception:  # noqa: BLE001 - one draft broke the batch: fall back to one at a time
            analyses = None
        for k, i in enumerate(good):
            rid, index = rows[i][0], rows[i][1]
            try:
                analysis = analyses[k] if analyses is not None else self.critic.analyse(rows[i][2])
                crit = self.critic.critique(analysis, relationship=rels[k]).to_dict()
            except Exception as exc:  # noqa: BLE001 - a bad row never stops the run
                failed[i] = True
                out[i] = record(rid, index, error=(FAILED, f"row {index}: {type(exc).__name__}: {exc}"))
            else:
                out[i] = record(rid, index, critique=crit)
        lines = [line for line in out if line is not None]
        return lines, len(lines) - sum(1 for i in good if out[i] is not None and not failed.get(i))


_PROCESS_WORKER: dict[str, Worker] = {}


_PROCESS_ERROR: dict[str, RefernlpError] = {}


def init_process(critic_options: dict[str, Any]) -> None:
    """Pool initializer: load this process's critic once.

    A critic that cannot load (a bad model directory) is kept and raised by the first
    task, so the parent gets the one-line error instead of a broken pool and a traceback.
    """
    try:
        _PROCESS_WORKER["worker"] = Worker(critic_options)
    except RefernlpError as exc:
        _PROCESS_ERROR["error"] = exc


def run_in_process(rows: Sequence[WorkRow], batch_size: int) -> tuple[list[str], int]:
    """Pool task: critique one batch with this process's critic."""
    if "error" in _PROCESS_ERROR:
        raise _PROCESS_ERROR["error"]
    return _PROCESS_WORKER["worker"](rows, batch_size)
