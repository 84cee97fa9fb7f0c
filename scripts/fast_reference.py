"""Regenerate tests/reference/fast_outputs.jsonl.gz: the fast backend's critique of every data/ draft.

    python scripts/fast_reference.py [--check]

tests/quality/test_fast_identical.py compares the current fast backend against
this file, so that speed work (issue 19) provably changes no output. Like the
golden files, regenerate it ONLY when outputs are meant to change (a retrained
model, a new rule, a lexicon edit) and say so in the change; never to make a
failing speed change pass. ``--check`` compares instead of writing (exit 1 on a
difference).

One line per draft, in the order of data/*.jsonl (files sorted, then lines):
``json.dumps(critique.to_dict(), sort_keys=True)`` from
``Critic.load(backend="fast").critique_many`` in batches of 500. The file is
gzipped with mtime 0, so the same outputs give the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "reference" / "fast_outputs.jsonl.gz"
BATCH = 500


def drafts(root: Path = ROOT) -> list[str]:
    """Every draft of data/*.jsonl, files sorted, in file order."""
    texts = []
    for path in sorted((root / "data").glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            texts.extend(json.loads(line)["text"] for line in fh if line.strip())
    return texts


def outputs(critic=None, texts: list[str] | None = None) -> list[str]:
    """One sorted-key JSON line per draft, as stored in the reference."""
    from refernlp.critic import Critic

    critic = critic or Critic.load(backend="fast")
    texts = drafts() if texts is None else texts
    lines = []
    for i in range(0, len(texts), BATCH):
        lines.extend(json.dumps(c.to_dict(), sort_keys=True) for c in critic.critique_many(texts[i : i + BATCH]))
    return lines


def read_reference(path: Path = REFERENCE) -> list[str]:
    return gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="compare with the stored reference instead of writing it")
    args = ap.parse_args()
    lines = outputs()
    if args.check:
        ref = read_reference()
        bad = [i for i, (a, b) in enumerate(zip(ref, lines)) if a != b]
        if len(ref) != len(lines) or bad:
            print(f"fast_reference: {len(bad)} of {len(lines)} drafts differ (reference has {len(ref)}); first: {bad[:5]}", file=sys.stderr)
            return 1
        print(f"fast_reference: all {len(lines)} drafts identical")
        return 0
    REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    REFERENCE.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), compresslevel=9, mtime=0))
    print(f"fast_reference: wrote {REFERENCE.relative_to(ROOT)} ({len(lines)} drafts, {REFERENCE.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
