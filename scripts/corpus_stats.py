"""Counts of the corpus for the data card: labels per split, batches, purposes, phenomena, lengths, similarity.

    python scripts/corpus_stats.py [--data data/] [--exact-similarity]

Prints Markdown tables. ``--exact-similarity`` computes the exact highest
character 5-gram Jaccard similarity within and across splits over all pairs
(needs scipy, from the train extra; a few seconds), where the validator's fast
index gives a lower bound.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPLITS = ("train", "dev", "test")
LABELS = ("type", "transparency", "politeness", "relationship", "purpose", "asks_introduction", "channel", "hard")


def load(data: Path) -> dict[str, list[dict]]:
    return {s: [json.loads(line) for line in (data / f"{s}.jsonl").open(encoding="utf-8")] for s in SPLITS}


def table(title: str, counts: dict[str, Counter], keys, totals: dict[str, int]) -> str:
    lines = [f"| {title} | train | dev | test | all |", "|---|---:|---:|---:|---:|"]
    for k in keys:
        cells = []
        for s in (*SPLITS, "all"):
            n = counts[s][k]
            cells.append(f"{n} ({100 * n / max(1, totals[s]):.1f}%)")
        lines.append(f"| {k} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def exact_similarity(rows: dict[str, list[dict]]) -> dict[str, tuple[float, str, str]]:
    import numpy as np
    from scipy.sparse import csr_matrix

    items = [(s, r["id"], r["text"]) for s in SPLITS for r in rows[s]]
    vocab: dict[str, int] = {}
    indptr, indices = [0], []
    for _, _, t in items:
        norm = re.sub(r"\s+", " ", t.lower()).strip()
        grams = {norm[i : i + 5] for i in range(max(1, len(norm) - 4))}
        indices += [vocab.setdefault(g, len(vocab)) for g in grams]
        indptr.append(len(indices))
    X = csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(items), len(vocab)))
    sizes = np.asarray(X.sum(axis=1)).ravel()
    split = np.array([s for s, _, _ in items])
    best = {"within": (0.0, "", ""), "across": (0.0, "", "")}
    step = 500
    for a in range(0, len(items), step):
        inter = (X[a : a + step] @ X.T).toarray()
        union = sizes[a : a + step, None] + sizes[None, :] - inter
        sim = inter / np.maximum(union, 1)
        for i in range(sim.shape[0]):
            sim[i, : a + i + 1] = 0.0  # each pair once, never a row with itself
        for kind, mask in (("within", split[a : a + step, None] == split[None, :]), ("across", split[a : a + step, None] != split[None, :])):
            m = np.where(mask, sim, 0.0)
            k = int(m.argmax())
            i, j = divmod(k, m.shape[1])
            if m[i, j] > best[kind][0]:
                best[kind] = (float(m[i, j]), items[a + i][1], items[j][1])
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT / "data")
    ap.add_argument("--exact-similarity", action="store_true")
    args = ap.parse_args()
    rows = load(args.data)
    totals = {s: len(rows[s]) for s in SPLITS}
    totals["all"] = sum(totals.values())
    counts = {s: Counter() for s in (*SPLITS, "all")}
    for s in SPLITS:
        for r in rows[s]:
            keys = [f"{k} = {r[k]}" for k in LABELS] + [f"phenomenon: {p}" for p in r["phenomena"]] + [f"hard kind: {k}" for k in r["hard_kinds"]]
            if r["type"] != "none":
                keys.append(f"type × transparency = {r['type']} × {r['transparency']}")
            n = len(r["text"])
            keys.append("length " + ("< 200" if n < 200 else "200–399" if n < 400 else "400–799" if n < 800 else "800–2,000" if n <= 2000 else "> 2,000") + " chars")
            keys.append("batch " + r["batch"])
            for c in (counts[s], counts["all"]):
                c.update(keys)
    groups = {}
    for k in counts["all"]:
        groups.setdefault(k.split(" = ")[0].split(":")[0].split(" ")[0] if " = " in k or ":" in k else k.rsplit(" ", 1)[0], []).append(k)
    print(f"drafts: train {totals['train']}, dev {totals['dev']}, test {totals['test']}, all {totals['all']}\n")
    order = [*(f"{k} =" for k in LABELS), "type × transparency =", "phenomenon:", "hard kind:", "length", "batch"]
    for prefix in order:
        keys = sorted(k for k in counts["all"] if k.startswith(prefix))
        if prefix == "length":
            keys = [f"length {b} chars" for b in ("< 200", "200–399", "400–799", "800–2,000", "> 2,000") if f"length {b} chars" in counts["all"]]
        print(table(prefix.rstrip(" =:"), counts, keys, totals) + "\n")
    if args.exact_similarity:
        for kind, (sim, a, b) in exact_similarity(rows).items():
            print(f"exact highest 5-gram Jaccard similarity {kind} splits: {sim:.3f} ({a} ~ {b})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
