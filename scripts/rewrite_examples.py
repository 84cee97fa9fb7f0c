"""Regenerate the README's rewrite examples and the rewrite golden files from one list of drafts.

    python scripts/rewrite_examples.py            # write tests/golden/rewrite/*.json and the README block
    python scripts/rewrite_examples.py --check    # exit 1 if either is stale (what the golden test checks)

The README block sits between ``<!-- rewrite-examples:start -->`` and
``<!-- rewrite-examples:end -->`` in the "Suggested rewrites" section. Each
example shows the top rewrite's text and its edits (what was removed, what was
added and why). One draft per relationship and one per non-referral purpose.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from refernlp.critic import Critic  # noqa: E402

GOLDEN = ROOT / "tests" / "golden" / "rewrite"
README = ROOT / "README.md"
START, END = "<!-- rewrite-examples:start -->", "<!-- rewrite-examples:end -->"

#: (name, draft, relationship, mutual, shown in the README)
EXAMPLES = [
    ("strong_demanding", (ROOT / "data/examples/targeted_demanding.txt").read_text(encoding="utf-8"), "strong", None, True),
    ("weak_no_bond", "Hi Tom, could you refer me for the Data Engineer role at Acme? My resume is attached. Thanks!\nLeo", "weak", None, True),
    ("second_degree_mutual", (
        "Hi Sofia,\n\nI'm a product manager with five years of experience and I'm applying for the Product Manager role "
        "at Tessera Health. Would you be able to refer me?\n\nRahul Mehta"), "second_degree", "Jonah Whitfield", True),
    ("second_degree_cold", (ROOT / "data/examples/second_degree_cold.txt").read_text(encoding="utf-8"), "second_degree", None, False),
    ("text_casual", "hey!! can u refer me for the barista job at Bluebird Coffee?? its req 4471. need it by tmrw lol", "strong", None, True),
    ("purpose_thanks", "Hi Priya,\n\nThank you so much for referring me to the team at Lumenfield last week. I really appreciate it!\n\nDaniel", None, None, True),
    ("purpose_congratulations", "Congrats on the promotion, Jess!! SO well deserved. Drinks on me next week?", None, None, False),
    ("purpose_catch_up", "Hey Sam, long time! How's life in Lisbon? Would love to catch up over a call sometime soon.", None, None, False),
    ("purpose_advice", "Hi Dr. Mensah, I'm finishing my MSc and weighing a PhD against industry. Could I ask your advice over a short call?", None, None, False),
]


def generate(critic: Critic) -> dict[str, dict]:
    out = {}
    for name, draft, rel, mutual, _ in EXAMPLES:
        rewrites = critic.rewrite(draft, relationship=rel, mutual=mutual, n=3)
        out[name] = {"draft": draft, "relationship": rel, "mutual": mutual, "rewrites": [r.to_dict() for r in rewrites]}
    return out


def readme_block(results: dict[str, dict]) -> str:
    lines = [START, ""]
    for name, draft, rel, mutual, shown in EXAMPLES:
        if not shown:
            continue
        top = results[name]["rewrites"][0]
        opts = (f" --relationship {rel.replace('_', '-')}" if rel else "") + (f" --mutual '{mutual}'" if mutual else "")
        lines += [f"**{name.replace('_', ' ')}** (`refernlp rewrite{opts}`; top rewrite: {top['plan'].replace('_', ' ')}"
                  + (", ready to send" if top["ready"] else "") + "):", "", "> " + "\n> ".join(draft.rstrip("\n").split("\n")), "", "```", top["text"].rstrip("\n"), "```", ""]
        if top["edits"]:
            lines.append("Edits:")
            lines.append("")
            for e in top["edits"]:
                before = " ".join(e["before"].split())
                after = " ".join(e["after"].split())
                what = (f"“{before[:70]}{'…' if len(before) > 70 else ''}” → " if before else "") + (f"“{after[:90]}{'…' if len(after) > 90 else ''}”" if after else "(removed)")
                lines.append(f"- `{e['reason']}`: {what}")
            lines.append("")
    lines.append(END)
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    results = generate(Critic.load())
    stale = []
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, obj in results.items():
        path = GOLDEN / f"{name}.json"
        text = json.dumps(obj, ensure_ascii=False, indent=1) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(str(path.relative_to(ROOT)))
            if not args.check:
                path.write_text(text, encoding="utf-8")
    readme = README.read_text(encoding="utf-8")
    block = readme_block(results)
    if START in readme and END in readme:
        a, b = readme.index(START), readme.index(END) + len(END)
        new = readme[:a] + block + readme[b:]
        if new != readme:
            stale.append("README.md")
            if not args.check:
                README.write_text(new, encoding="utf-8")
    else:
        print(f"README.md has no {START} ... {END} block", file=sys.stderr)
        return 1
    for s in stale:
        print(("stale: " if args.check else "wrote: ") + s)
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    raise SystemExit(main())
