"""Validate the labelled referral-request corpus (JSON Lines).

Checks every row: valid JSON, required keys in order, allowed label values
(from ``refernlp/schema.py``), label consistency (transparency/role null when
type is none; general and targeted drafts have purpose referral_ask or
intro_request; intro_request asks for an introduction), the batch matching the
id, phenomena from the schema's list, connection notes within 300
characters, slot strings present verbatim in the text, unique ids, and
near-duplicate texts (within the given files and, when several split files
are given, across splits).

Usage::

    python scripts/validate_data.py data/train.jsonl data/dev.jsonl data/test.jsonl
    python scripts/validate_data.py --no-dupes /tmp/batch.jsonl

Exit status 0 when every row passes, 1 otherwise. Pure standard library so it
runs before anything is installed: the vocabulary is read from
``refernlp/schema.py`` without importing the package.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path


def _load_schema():
    """``refernlp/schema.py`` loaded on its own (it imports nothing from the package at import time)."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "refernlp" / "schema.py"
    spec = importlib.util.spec_from_file_location("refernlp_schema_standalone", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


SCHEMA = _load_schema()
ALLOWED = {
    "type": set(SCHEMA.REQUEST_TYPES),
    "transparency": {*SCHEMA.TRANSPARENCY, None},
    "politeness": set(SCHEMA.POLITENESS),
    "relationship": set(SCHEMA.RELATIONSHIPS),
    "channel": set(SCHEMA.CHANNELS),
    "purpose": set(SCHEMA.PURPOSES),
}
HARD_KINDS = set(SCHEMA.HARD_KINDS)
PHENOMENA = set(SCHEMA.PHENOMENA)
SLOTS = SCHEMA.SLOT_NAMES
REQUIRED = (
    "id",
    "text",
    "channel",
    "type",
    "transparency",
    "politeness",
    "relationship",
    "asks_introduction",
    *SLOTS,
    "purpose",
    "batch",
    "hard",
    "hard_kinds",
    "phenomena",
)
ASK_PURPOSES = {"referral_ask", "intro_request"}
NOTE_MAX_CHARS = 300
NEAR_DUP_THRESHOLD = 0.8


def check_row(row: object, where: str) -> list[str]:
    """Return the problems found in one parsed row (empty when it is valid)."""
    if not isinstance(row, dict):
        return [f"{where}: row is not a JSON object"]
    errs = []
    missing = [k for k in REQUIRED if k not in row]
    if missing:
        errs.append(f"{where}: missing keys {missing}")
        return errs
    extra = sorted(set(row) - set(REQUIRED))
    if extra:
        errs.append(f"{where}: unexpected keys {extra}")
    elif list(row) != list(REQUIRED):
        errs.append(f"{where}: keys out of order (expected {list(REQUIRED)})")
    text = row["text"]
    if not isinstance(text, str) or not text.strip():
        errs.append(f"{where}: text must be a non-empty string")
        return errs
    if not isinstance(row["id"], str) or not row["id"]:
        errs.append(f"{where}: id must be a non-empty string")
    for key, allowed in ALLOWED.items():
        if row[key] not in allowed:
            errs.append(f"{where}: {key}={row[key]!r} not in {sorted(map(str, allowed))}")
    if not isinstance(row["asks_introduction"], bool):
        errs.append(f"{where}: asks_introduction must be true/false")
    if not isinstance(row["hard"], bool):
        errs.append(f"{where}: hard must be true/false")
    kinds = row["hard_kinds"]
    if not isinstance(kinds, list) or any(k not in HARD_KINDS for k in kinds):
        errs.append(f"{where}: hard_kinds must be a list drawn from {sorted(HARD_KINDS)}")
    elif bool(kinds) != bool(row["hard"]):
        errs.append(f"{where}: hard is {row['hard']} but hard_kinds is {kinds}")
    if row["type"] == "none":
        if row["transparency"] is not None:
            errs.append(f"{where}: transparency must be null when type is none")
        if row["role"] is not None:
            errs.append(f"{where}: role must be null when type is none")
        if row["company"] is not None:
            errs.append(f"{where}: company must be null when type is none")
    elif row["transparency"] is None:
        errs.append(f"{where}: transparency must be high/low when type is {row['type']}")
    if row["type"] == "general" and row["company"] is not None:
        errs.append(f"{where}: company must be null for a general request")
    if row["type"] != "none" and row["purpose"] not in ASK_PURPOSES:
        errs.append(f"{where}: a {row['type']} request must have purpose referral_ask or intro_request, not {row['purpose']!r}")
    if row["purpose"] == "intro_request" and row["asks_introduction"] is not True:
        errs.append(f"{where}: purpose intro_request needs asks_introduction true")
    if not isinstance(row["batch"], str) or not isinstance(row["id"], str) or not re.fullmatch(r"b\d{2}", row["batch"]) or not row["id"].startswith(row["batch"] + "-"):
        errs.append(f"{where}: batch {row['batch']!r} must be the bNN prefix of the id {row['id']!r}")
    phen = row["phenomena"]
    if not isinstance(phen, list) or any(p not in PHENOMENA for p in phen) or len(set(phen)) != len(phen):
        errs.append(f"{where}: phenomena must be a list of distinct tags from refernlp/schema.py PHENOMENA")
    if row["channel"] == "linkedin_note" and len(text) > NOTE_MAX_CHARS:
        errs.append(f"{where}: a linkedin_note holds at most {NOTE_MAX_CHARS} characters, this one {len(text)}")
    for slot in SLOTS:
        value = row[slot]
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            errs.append(f"{where}: {slot} must be null or a non-empty string")
        elif value not in text:
            errs.append(f"{where}: {slot}={value!r} does not appear verbatim in the text")
        elif value != value.strip():
            errs.append(f"{where}: {slot}={value!r} has leading/trailing whitespace")
    return errs


def shingles(text: str, n: int = 5) -> set[str]:
    norm = re.sub(r"\s+", " ", text.lower()).strip()
    return {norm[i : i + n] for i in range(max(1, len(norm) - n + 1))}


def near_duplicates(rows: list[tuple[str, str, str]]) -> tuple[list[tuple[float, str, str]], dict]:
    """Jaccard similarity of character 5-gram sets; returns pairs >= threshold and maxima.

    ``rows`` holds (split, id, text). The inverted index keeps this fast enough
    for a few thousand drafts.
    """
    sh = [shingles(t) for _, _, t in rows]
    index: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(sh):
        for g in s:
            index[g].append(i)
    best = {"within": (0.0, "", ""), "across": (0.0, "", "")}
    hits = []
    for i, s in enumerate(sh):
        counts: Counter[int] = Counter()
        for g in s:
            postings = index[g]
            if len(postings) > 300:  # very common n-gram: carries no signal
                continue
            for j in postings:
                if j > i:
                    counts[j] += 1
        for j, inter in counts.items():
            sim = inter / (len(s) + len(sh[j]) - inter)
            kind = "across" if rows[i][0] != rows[j][0] else "within"
            if sim > best[kind][0]:
                best[kind] = (sim, rows[i][1], rows[j][1])
            if sim >= NEAR_DUP_THRESHOLD:
                hits.append((sim, rows[i][1], rows[j][1]))
    return sorted(hits, reverse=True), best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--no-dupes", action="store_true", help="skip the near-duplicate check")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)

    errors: list[str] = []
    seen: dict[str, str] = {}
    rows: list[tuple[str, str, str]] = []
    counts: dict[str, Counter] = defaultdict(Counter)
    for path in args.files:
        split = path.stem
        with path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                where = f"{path}:{lineno}"
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    errors.append(f"{where}: invalid JSON ({exc.msg})")
                    continue
                errs = check_row(row, where)
                errors.extend(errs)
                if isinstance(row, dict) and isinstance(row.get("id"), str):
                    if row["id"] in seen:
                        errors.append(f"{where}: duplicate id {row['id']!r} (first at {seen[row['id']]})")
                    seen[row["id"]] = where
                    if isinstance(row.get("text"), str):
                        rows.append((split, row["id"], row["text"]))
                    if not errs:
                        counts[split]["rows"] += 1
                        for key in ("type", "politeness", "relationship", "purpose"):
                            counts[split][f"{key}={row[key]}"] += 1
                        counts[split][f"transparency={row['transparency']}"] += 1
                        counts[split]["hard"] += int(row["hard"])
    if not args.no_dupes and rows:
        hits, best = near_duplicates(rows)
        for sim, a, b in hits:
            errors.append(f"near-duplicate texts {a} ~ {b} (similarity {sim:.2f})")
        if not args.quiet:
            for kind, (sim, a, b) in best.items():
                if a:
                    print(f"highest near-duplicate similarity {kind} splits: {sim:.3f} ({a} ~ {b})")
    if not args.quiet:
        for split, c in counts.items():
            print(f"{split}: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        print(f"{len(errors)} problem(s)", file=sys.stderr)
        return 1
    print(f"ok: {len(seen)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
