"""How well ``--channel auto`` tells an email from a message, on a labelled split of the corpus.

    python scripts/channel_inference.py [--split dev]

Inference only decides email versus message (a message is reported as
``linkedin``), so the headline is the binary accuracy; the per-channel lines
show how often each corpus channel is called an email. The rules were written
looking at the train split only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from refernlp.channels import infer_channel  # noqa: E402
from refernlp.textio import prepare  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", default="dev", choices=("train", "dev", "test"))
    args = ap.parse_args()
    rows = [json.loads(line) for line in (ROOT / "data" / f"{args.split}.jsonl").open(encoding="utf-8")]
    called_email: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for r in rows:
        total[r["channel"]] += 1
        called_email[r["channel"]] += infer_channel(prepare(r["text"])) == "email"
    tp = called_email["email"]
    fp = sum(v for k, v in called_email.items() if k != "email")
    correct = tp + sum(total[k] - called_email[k] for k in total if k != "email")
    print(f"{args.split}: {len(rows)} drafts; email vs message accuracy {correct / len(rows):.3f}; "
          f"email precision {tp / max(1, tp + fp):.3f}, recall {tp / max(1, total['email']):.3f}")
    for ch in sorted(total):
        print(f"  {ch:14} {total[ch]:5} drafts, called email {called_email[ch] / total[ch]:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
