"""Rewording (optional): a local language model paraphrases the sentences a rewrite inserted.

With a :class:`Generator` (``--generator PATH``, a local seq2seq or causal
language model; needs the ``neural`` extra, and torch and transformers are
imported only then), the model proposes paraphrases of each sentence the
rewrite *inserted* from the phrase bank (the sender's own sentences are never
reworded), beam search or sampling under ``seed``. A paraphrase is used
only where it keeps every slot and placeholder of its sentence verbatim,
invents no capitalised word or number, leaves no template field or doubled
word and keeps a question a question (:func:`reworded_ok`); the reworded
message must then keep, by the critic's judgement, the request type,
politeness, high transparency, the introduction ask and the place of the ask
and of the bond-building element, with no more findings; only then does it
replace its source (:func:`reworded`), so a weak model can leave the
suggestions as they are but never make them worse.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..analysis import build_critique
from ..errors import MissingExtraError, ModelError
from ..results import Edit
from .edits import apply_edits
from .facts import BAD_STRATEGIES
from .realise import phrase_bank_words
from .words import PLACEHOLDER, WORD, doubled

if TYPE_CHECKING:
    from ..critic import Critic

_INSTALL_HINT = 'pip install torch==2.13.0 && pip install "refernlp[neural]"'
#: prompts: a seq2seq paraphraser reads the first, a causal language model continues the second
SEQ2SEQ_PROMPT = "paraphrase: {text}"
CAUSAL_PROMPT = "Rewrite the sentence in other words, keeping every name, number and link.\nSentence: {text}\nRewritten:"


class Generator:
    """A local seq2seq or causal language model that rewords the planned rewrites.

    ``Generator(path)`` loads the model once (``from_pretrained(path,
    local_files_only=True)``, ``HF_HUB_OFFLINE=1``, safetensors weights only);
    its config decides the kind: encoder-decoder models load with
    ``AutoModelForSeq2SeqLM``, others with ``AutoModelForCausalLM``. Pass the
    object to every call that should use it: ``rewrite(text,
    generator=gen)``. The model proposes a paraphrase of each sentence of the
    best planned rewrites; the paraphrases go through the same fact checks and
    the same ranking as the phrase-bank candidates, and whatever fails is
    dropped, so a weak model cannot make a suggestion worse than the default.

    Decoding is deterministic (beam search) unless a seed is given, which
    samples under ``torch.manual_seed(seed)`` (the global random state is
    restored afterwards). A Generator is thread-safe: generation runs under a
    lock. Needs the ``neural`` extra; raises
    :class:`~refernlp.errors.MissingExtraError` without it and
    :class:`~refernlp.errors.ModelError` for a directory that holds no
    loadable model.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        num_candidates: int = 2,
        max_new_tokens: int = 64,
        max_input_tokens: int = 128,
        batch_size: int = 16,
        prompt: str | None = None,
    ) -> None:
        where = Path(path)
        if not where.exists():
            raise ModelError(f"generator {where} does not exist")
        if not where.is_dir():
            raise ModelError(f"generator {where} is a file, not a model directory")
        if not (where / "config.json").is_file():
            raise ModelError(f"generator {where}: no config.json (expected a transformers model saved with save_pretrained)")
        try:
            import torch
            import transformers  # noqa: F401
        except ImportError as exc:
            raise MissingExtraError(f"--generator needs {exc.name or 'torch and transformers'}: {_INSTALL_HINT}") from None
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        try:
            config = AutoConfig.from_pretrained(str(where), local_files_only=True)
            self.encoder_decoder = bool(getattr(config, "is_encoder_decoder", False))
            auto = AutoModelForSeq2SeqLM if self.encoder_decoder else AutoModelForCausalLM
            self.tokenizer = AutoTokenizer.from_pretrained(str(where), local_files_only=True)
            self.model = auto.from_pretrained(str(where), local_files_only=True, use_safetensors=True)
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RuntimeError, ImportError) as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ModelError(f"cannot load the generator from {where}: {first}") from None
        self.model.eval()
        self.path = str(where)
        self.torch = torch
        self.num_candidates = max(1, int(num_candidates))
        self.max_new_tokens = int(max_new_tokens)
        self.max_input_tokens = int(max_input_tokens)
        self.prompt = prompt or (SEQ2SEQ_PROMPT if self.encoder_decoder else CAUSAL_PROMPT)
        tok = self.tokenizer
        if tok.pad_token_id is None and tok.eos_token_id is not None:
            tok.pad_token = tok.eos_token
        self.pad_id = tok.pad_token_id if tok.pad_token_id is not None else (tok.eos_token_id or 0)
        # without a pad token, prompts of different lengths cannot share a batch
        self.batch_size = max(1, int(batch_size)) if tok.pad_token_id is not None else 1
        if not self.encoder_decoder:
            tok.padding_side = "left"  # a causal model continues the prompt: pad on the left
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        kind = "seq2seq" if self.encoder_decoder else "causal"
        return f"Generator({self.path!r}, {kind})"

    def paraphrase(self, sentences: Sequence[str], *, seed: int | None = None) -> list[list[str]]:
        """Up to ``num_candidates`` distinct rewordings of each sentence (raw model output, unchecked)."""
        torch = self.torch
        out: list[list[str]] = [[] for _ in sentences]
        if not sentences:
            return out
        k = self.num_candidates
        prompts = [self.prompt.format(text=s) for s in sentences]
        with self._lock, torch.inference_mode(), torch.random.fork_rng(devices=[]):
            if seed is not None:
                torch.manual_seed(seed)
            for start in range(0, len(prompts), self.batch_size):
                batch = prompts[start : start + self.batch_size]
                enc = self.tokenizer(batch, return_tensors="pt", padding=True, truncation=True, max_length=self.max_input_tokens)
                decode: dict[str, Any] = {"max_new_tokens": self.max_new_tokens, "num_return_sequences": k, "pad_token_id": self.pad_id}
                if seed is None:
                    decode.update(do_sample=False, num_beams=max(k, 1))
                else:
                    decode.update(do_sample=True, top_p=0.95, top_k=0, num_beams=1)
                generated = self.model.generate(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], **decode)
                if not self.encoder_decoder:
                    generated = generated[:, enc["input_ids"].shape[1] :]
                texts = self.tokenizer.batch_decode(generated, skip_special_tokens=True)
                for i, t in enumerate(texts):
                    line = next((ln.strip() for ln in t.strip().splitlines() if ln.strip()), "")
                    slot = out[start + i // k]
                    if line and line not in slot:
                        slot.append(line)
        return out


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])(\s+)(?=[A-Z\[“\"(])")
_REFERRAL_ASK = re.compile(r"\brefer(?:ring)? me\b|\bput (?:me|my name) forward\b|\bput in a (?:good )?word\b|\bvouch", re.IGNORECASE)
_ASK_NAMES = frozenset({"referral", "keep_in_mind", "introduction"})
_BOND_CUES = frozenset({"reconnect", "met_once", "bond"})
_BOND_STRATEGIES = frozenset({"compliment", "offer_help"})


def segments(text: str) -> list[tuple[str, bool]]:
    """The text cut into pieces that, joined, give it back; True marks a sentence to reword.

    The greeting line, the blurb to forward (its exact words are the sender's
    introduction), sign-offs, names and headers stay as they are.
    """
    out: list[tuple[str, bool]] = []
    lines = text.split("\n")
    for li, line in enumerate(lines):
        if li:
            out.append(("\n", False))
        body = line.strip()
        if li == 0 or not body or body.startswith(("“", '"', "---")):
            out.append((line, False))
            continue
        for j, part in enumerate(_SENTENCE_SPLIT.split(line)):
            sentence = j % 2 == 0 and len(WORD.findall(part)) >= 4 and part.strip()[-1:] in {".", "!", "?"}
            out.append((part, sentence))
    return out


def reworded_ok(src: str, new: str, values: Sequence[str], allowed: set[str]) -> bool:
    """The per-sentence fact checks: slots and placeholders kept, nothing invented, no template leftovers."""
    new = new.strip()
    src_words, new_words = WORD.findall(src), WORD.findall(new)
    if new == src.strip() or len(new_words) < 3:
        return False
    if not (0.5 * len(src_words) <= len(new_words) <= 1.6 * len(src_words) + 3):
        return False
    if new[-1] not in ".!?" or (src.rstrip().endswith("?") != new.endswith("?")):
        return False
    if any(ch in new for ch in "{}\n“”") or "---" in new or doubled(new):
        return False
    holes_src, holes_new = set(PLACEHOLDER.findall(src)), set(PLACEHOLDER.findall(new))
    if holes_src != holes_new or "[" in PLACEHOLDER.sub("", new) or "]" in PLACEHOLDER.sub("", new):
        return False
    if any(v in src and v not in new for v in values):
        return False
    if _REFERRAL_ASK.search(new) and not _REFERRAL_ASK.search(src):
        return False
    src_low = {w.lower() for w in src_words}
    for w in WORD.findall(PLACEHOLDER.sub(" ", new)):
        if w[:1].isupper() or any(c.isdigit() for c in w):
            low = re.sub(r"['’]s$", "", w.lower())
            if low not in allowed and low not in src_low:
                return False
    return True


def _shape(doc: Any) -> tuple[int | None, int | None, int | None]:
    """Start of the first referral/keep-in-mind/introduction ask, of the first bond-building element,
    and the index of the sentence holding that ask."""
    ask = min((m.start for m in doc._.cues or () if m.name in _ASK_NAMES), default=None)
    bond = min(
        [m.start for m in doc._.cues or () if m.name in _BOND_CUES]
        + [m.start for m in doc._.strategies or () if m.name in _BOND_STRATEGIES],
        default=None,
    )
    sent = None
    if ask is not None:
        sent = next((i for i, s in enumerate(doc.sents) if s.start_char <= ask < s.end_char), None)
    return ask, bond, sent


def _no_worse(new: Any, old: Any, new_doc: Any, old_doc: Any) -> bool:
    """A reworded candidate keeps every judged quality of its source (type, politeness, transparency, shape)."""
    if new.request_type.label != old.request_type.label:
        return False
    if old.politeness.label == "polite" and new.politeness.label != "polite":
        return False
    if old.transparency.label == "high" and new.transparency.label != "high":
        return False
    if old.asks_introduction and not new.asks_introduction:
        return False
    if any(st.name in BAD_STRATEGIES for st in new.politeness.strategies):
        return False
    weight = {"error": 2, "warning": 1}
    if sum(weight.get(f.severity, 0) for f in new.findings) > sum(weight.get(f.severity, 0) for f in old.findings):
        return False
    (oa, ob, osent), (na, nb, nsent) = _shape(old_doc), _shape(new_doc)
    if oa is not None and na is None:
        return False  # the ask is gone
    if ob is not None and (nb is None or (oa is not None and ob < oa and not (na is not None and nb < na))):
        return False  # the bond-building element is gone, or no longer comes before the ask
    # nor may the ask leave the first three sentences
    return not (osent is not None and osent < 3 and (nsent is None or nsent >= 3))


def reworded(generator: Generator, critic: Critic, analysis: Any, cands: list[Any]) -> list[Any]:
    """The candidates, each with its inserted sentences reworded where every check passes.

    A reworded candidate replaces its source only when, by the critic's
    judgement, it is no worse (:func:`_no_worse`); otherwise the source stays.
    """
    draft = analysis.text
    allowed = phrase_bank_words() | {w.lower() for w in WORD.findall(draft)}
    sl = analysis.doc._.slot_spans
    values = tuple(draft[a:b] for a, b in [sl[k] for k in ("company", "role", "recipient_name", "sender_name", "mutual_contact") if sl.get(k)] + list(sl["job_ids"]) + list(sl["urls"]))
    todo = list(dict.fromkeys(e.after.strip(" .") if e.after.startswith(". ") else e.after.strip() for c in cands for e in c.edits if e.start == e.end and e.reason.split(".")[0] in {"courtesy", "targeted", "ask", "relationship", "transparency"}))
    todo = [t for t in todo if t and "\n" not in t and len(WORD.findall(t)) >= 4]
    if not todo:
        return cands
    options = dict(zip(todo, generator.paraphrase(todo)))
    out = []
    for c in cands:
        new_edits = []
        for e in c.edits:
            src = e.after.strip(" .") if e.after.startswith(". ") else e.after.strip()
            good = [o for o in options.get(src, []) if reworded_ok(src, o, values, allowed)]
            new_edits.append(Edit(e.start, e.end, e.before, e.after.replace(src, good[0].strip()), e.reason) if good else e)
        if new_edits == list(c.edits):
            out.append(c)
            continue
        text = apply_edits(draft, new_edits)
        old_a, new_a = critic.analyse_many([c.text, text])
        old_c, new_c = build_critique(old_a, c.relationship), build_critique(new_a, c.relationship)
        if _no_worse(new_c, old_c, new_a.doc, old_a.doc):
            c.edits, c.text = tuple(new_edits), text
            c.messages = (text,) if len(c.messages) == 1 else c.messages
            c.changes = (*c.changes, "Reworded the added sentences with your local language model; every name, number and link was checked.")
        out.append(c)
    return out
