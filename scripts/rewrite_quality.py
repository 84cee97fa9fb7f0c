"""Quality and speed of the edit-based rewrites over a data split (default: the test split).

Referral drafts (gold purpose ``referral_ask`` or ``intro_request``) are grouped
by their gold relationship (strong, weak, second_degree) and rewritten with it
given; drafts whose gold relationship is ``unknown`` are rewritten with the
relationship inferred and counted under ``inferred``. For each top rewrite
(the first returned), critiqued by refernlp's own models with the same
relationship:

* ``polite``: the politeness classifier says ``polite``;
* ``facts``: every gold company and role that is written in the draft, and
  every job ID and link the slot reader found, appear verbatim;
* ``no_invention``: no capitalised word or number of the rewrite is in neither
  the draft nor the phrase bank (``[placeholders]`` aside);
* ``structure``: strong: a plain ask (no ``ask.unclear``/``ask.none`` finding, or
  for an introduction request a plain request for the introduction);
  weak: no ``relationship.ask_before_bond`` finding (a reconnecting line, a
  compliment or an offer to help) or a ``[placeholder]`` for one; second_degree: no
  ``relationship.second_degree_direct_ask`` finding and either an introduction
  ask (to the mutual contact) or a request for a conversation;
* ``content_half``: at least half of the draft's content words kept;
* ``no_warning``: the rewrite's critique has no warning or error finding, leaving
  out ``input.placeholder`` and the finding a ``[placeholder]`` of the rewrite is
  there to answer (they warn until the sender fills it in; ``placeholders``
  counts such rewrites);
* ``all``: every check above at once.

``content_kept`` is the share of the draft's distinct content words (lower-cased
words of three letters or more outside a stop list) found in the rewrite; its
median is reported over all drafts of the split (referral or not). Notes whose
gold purpose is not a referral ask (thanks, congratulations, catch-up, advice,
informational, introduction...) are rewritten with the relationship inferred;
``purpose_kept``: the critic reads the rewrite's request type as it reads the
draft's (a note read as no ask stays no ask) and the rewrite adds no ask, resume
offer, easy out or reconnecting line. Speed: median wall time of
``Critic.rewrite(text, n=3)`` per draft.

    python scripts/rewrite_quality.py                  # test split: report only, never tune on it
    python scripts/rewrite_quality.py --split dev      # develop on dev
    python scripts/rewrite_quality.py --split dev --show-failures 3 --json out.json
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from refernlp.critic import Critic  # noqa: E402
from refernlp.rewrite import phrase_bank_words  # noqa: E402
from refernlp.rewrite.plans import answered  # noqa: E402  (the findings a rewrite's [placeholders] answer)

WORD = re.compile(r"[\w'’-]+")
PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,80}\]")
ASK_PURPOSES = {"referral_ask", "intro_request"}
RELS = ("strong", "weak", "second_degree")
STOP = frozenset(
    "the and for you your are was were with that this have has had not but from they them their there here what when "
    "which who will would could should can may might just also very really about into out over any all some such than "
    "then too its it's i'm i've i'd i'll you're you've you'd we're our ours his her hers him she he me my mine yes "
    "hey hello dear thanks thank best regards cheers".split()
)
CHAT = re.compile(r"short chat|quick call|short conversation|few minutes to talk|chat about|call about", re.IGNORECASE)
ADDED = ("courtesy.no_easy_out", "targeted.no_resume", "ask.unclear", "relationship.ask_before_bond")


def content_words(text: str) -> set[str]:
    return {w.lower().strip("'’-") for w in WORD.findall(PLACEHOLDER.sub(" ", text)) if len(w) >= 3 and w.lower() not in STOP}


def content_kept(draft: str, rewrite: str) -> float:
    before = content_words(draft)
    return 1.0 if not before else len(before & content_words(rewrite)) / len(before)


def invented(text: str, draft: str, vocab: set[str]) -> list[str]:
    draft_low = draft.lower()
    draft_words = {w.lower() for w in WORD.findall(draft)}
    out = []
    for w in WORD.findall(PLACEHOLDER.sub(" ", text)):
        if not (w[:1].isupper() or any(c.isdigit() for c in w)):
            continue
        low = re.sub(r"['’]s$", "", w.lower())
        if low in draft_words or low in vocab or low in draft_low:
            continue
        out.append(w)
    return out


def facts_kept(row: dict, before, text: str) -> bool:
    draft = row["text"]
    gold = [v for v in (row.get("company"), row.get("role")) if v and v in draft]
    return all(v in text for v in gold + list(before.slots.job_ids) + list(before.slots.urls))


def structure_ok(rel: str, cr, text: str) -> bool:
    ids = {f.id for f in cr.findings}
    if rel == "strong":  # a plain ask: for a referral, or (an introduction request) for the introduction
        return not ids & {"ask.unclear", "ask.none"} or (cr.asks_introduction and "ask.unclear" not in ids)
    if rel == "weak":
        # the bond detector's verdict, or a [placeholder] for the reconnecting line (in the message sent first)
        first = text.split("\n\n---\n\n")[1] if text.startswith("First message") else text
        return "relationship.ask_before_bond" not in ids or "relationship.ask_before_bond" in answered(first)
    return "relationship.second_degree_direct_ask" not in ids and (cr.asks_introduction or bool(CHAT.search(cr.text)) or cr.request_type.label != "none")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", default="test", help="train, dev or test (or several joined by commas)")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--json", dest="json_out", default=None)
    ap.add_argument("--show-failures", type=int, default=0, help="print up to N failing top rewrites per check")
    args = ap.parse_args()
    splits = [s.strip() for s in args.split.split(",") if s.strip()]
    if not splits or any(s not in {"train", "dev", "test"} for s in splits):
        ap.error("--split takes train, dev and/or test")
    rows = [json.loads(line) for s in splits for line in (ROOT / "data" / f"{s}.jsonl").open(encoding="utf-8")][: args.limit]
    critic = Critic.load()
    vocab = phrase_bank_words()
    critic.rewrite(rows[0]["text"])  # warm-up
    groups: dict[str, dict[str, list[float]]] = {}
    fails: dict[str, list[str]] = {}
    kept_all: list[float] = []
    kept_notes: list[float] = []
    purpose_ok: list[float] = []
    times: list[float] = []
    ready = 0
    for row in rows:
        draft = row["text"]
        referral = row["purpose"] in ASK_PURPOSES
        rel = row["relationship"] if referral and row["relationship"] in RELS else None
        t0 = time.perf_counter()
        rewrites = critic.rewrite(draft, relationship=rel, n=3)
        times.append(time.perf_counter() - t0)
        top = rewrites[0]
        ready += top.ready
        kept = content_kept(draft, top.text)
        kept_all.append(kept)
        if not referral:
            cr = critic.critique(top.text)
            added = any(e.reason in ADDED for e in top.edits)
            ok = cr.request_type.label == critic.critique(draft).request_type.label and not added
            purpose_ok.append(float(ok))
            kept_notes.append(kept)
            if not ok and len(fails.setdefault("purpose_kept", [])) < args.show_failures:
                fails["purpose_kept"].append(f"[{row['id']}] {draft!r}\n--> {top.text!r}")
            continue
        before = critic.critique(draft, relationship=rel)
        cr = critic.critique(top.text, relationship=top.relationship)
        checks = {
            "polite": cr.politeness.label == "polite",
            "facts": facts_kept(row, before, top.text),
            "no_invention": not invented(top.text, draft, vocab),
            "structure": structure_ok(top.relationship, cr, top.text),
            "content_half": kept >= 0.5,
            "no_warning": not any(f.severity in {"warning", "error"} and f.id not in answered(top.text) for f in cr.findings),
        }
        checks["all"] = all(checks.values())
        checks["placeholders"] = bool(PLACEHOLDER.search(top.text))
        g = groups.setdefault(rel or "inferred", {})
        for k, v in checks.items():
            g.setdefault(k, []).append(float(v))
            if not v and k not in {"all", "placeholders"} and len(fails.setdefault(f"{rel}.{k}", [])) < args.show_failures:
                extra = f" {[f.id for f in cr.findings if f.severity != 'info']}" if k in {"no_warning", "structure"} else ""
                fails[f"{rel}.{k}"].append(f"[{row['id']}]{extra} {draft!r}\n--> {top.text!r}")
        g.setdefault("content_kept", []).append(kept)
    summary: dict[str, object] = {}
    print(f"rewrite quality on {args.split} ({len(rows)} drafts)")
    header = ("group", "drafts", "polite", "facts", "no_invention", "structure", "content_half", "no_warning", "all", "placeholders", "median kept")
    print(" | ".join(header))
    for name in (*RELS, "inferred"):
        g = groups.get(name)
        if not g:
            continue
        res = {k: round(100 * statistics.fmean(v), 1) for k, v in g.items() if k != "content_kept"}
        res["median_content_kept"] = round(statistics.median(g["content_kept"]), 3)
        res["drafts"] = len(g["all"])
        summary[name] = res
        print(" | ".join([name, str(res["drafts"])] + [f"{res[k]:.1f}%" for k in header[2:10]] + [f"{res['median_content_kept']:.2f}"]))
    summary["all_drafts_median_content_kept"] = round(statistics.median(kept_all), 3)
    summary["notes"] = {
        "drafts": len(purpose_ok),
        "purpose_kept": round(100 * statistics.fmean(purpose_ok), 1) if purpose_ok else None,
        "median_content_kept": round(statistics.median(kept_notes), 3) if kept_notes else None,
    }
    summary["ready_to_send_top"] = ready
    summary["median_ms_three_rewrites"] = round(1000 * statistics.median(times), 1)
    summary["p90_ms_three_rewrites"] = round(1000 * sorted(times)[int(0.9 * (len(times) - 1))], 1)
    for k in ("all_drafts_median_content_kept", "notes", "ready_to_send_top", "median_ms_three_rewrites", "p90_ms_three_rewrites"):
        print(f"{k}: {summary[k]}")
    for key, exs in fails.items():
        for e in exs:
            print(f"\nFAIL {key}: {e}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
