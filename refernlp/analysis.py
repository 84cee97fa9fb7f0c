"""One analysis per draft: the prepared text, the processed Doc and the models' probabilities.

:class:`Analysis` is made once by :meth:`refernlp.critic.Critic.analyse`;
:func:`build_critique` turns it into a :class:`~refernlp.results.Critique`, and
the rewriter, the CLI and every other consumer work from the same object, so a
draft is never parsed or judged twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Iterable, Mapping

from spacy.tokens import Doc

from .components.base import TokenTable, sentence_texts
from .findings import Context, hide, run_rules
from .results import (
    Channel,
    Critique,
    Finding,
    Label,
    Politeness,
    Relationship,
    Slots,
    Stats,
    Strategy,
    Transparency,
    Verdict,
)
from .schema import SLOT_NAMES
from .textio import Prepared


@dataclass(frozen=True)
class Analysis:
    """A draft read, parsed and judged once.

    ``probs`` maps every classifier task to its class probabilities (read-only);
    ``doc`` is the processed spaCy Doc of ``prepared.text`` (markup and quoted
    replies blanked, so character offsets are those of the original draft).
    """

    prepared: Prepared
    doc: Doc = field(repr=False, compare=False)
    probs: Mapping[str, Mapping[str, float]]

    @property
    def text(self) -> str:
        """The draft exactly as given."""
        return self.prepared.original

    def label(self, task: str) -> str:
        """The most probable label of a classifier task."""
        p = self.probs[task]
        return max(p, key=p.get)

    @property
    def slot_spans(self) -> Mapping[str, object]:
        """Character spans of the slots, as the slot extractor found them (never searched again)."""
        return self.doc._.slot_spans

    def slot(self, name: str) -> str | None:
        """A slot's value, sliced from the original draft at the extracted span."""
        return slot_text(self.text, self.slot_spans, name)


def slot_text(text: str, spans: Mapping[str, object], name: str) -> str | None:
    """:meth:`Analysis.slot` from spans already read: the slot's value sliced from ``text``, or None."""
    span = spans.get(name)
    return text[span[0] : span[1]] if span else None  # type: ignore[index]


def freeze_probs(probs: Mapping[str, Mapping[str, float]]) -> Mapping[str, Mapping[str, float]]:
    return MappingProxyType({t: MappingProxyType(dict(p)) for t, p in probs.items()})


def purpose_label(analysis: Analysis) -> Label | None:
    """The message's purpose, as the purpose classifier judges it (``None`` without a purpose model).

    It is reported as is, even where it disagrees with the request type: forcing the two to agree
    (the request type deciding between asking and non-asking purposes) scored lower on dev
    (0.931 against 0.957 accuracy).
    """
    probs = analysis.probs.get("purpose")
    if not probs:
        return None
    label = max(probs, key=probs.get)
    return Label(label, probs[label])


def inferred_relationship(probs: Mapping[str, float]) -> Relationship:
    """The inferred tie and how sure the model is of it.

    ``unknown`` means the text gives no usable clue about the tie, so its
    confidence is not P(unknown) (a sure "no clue" would read as a sure tie,
    "unknown (0.99)"): it is the probability of the likeliest actual tie, low
    when the text says nothing about it.
    """
    label = max(probs, key=probs.get)
    if label == "unknown":
        return Relationship(label, max((p for k, p in probs.items() if k != "unknown"), default=0.0), "inferred")
    return Relationship(label, probs[label], "inferred")


def verdict(findings: Iterable[Finding]) -> Verdict:
    """Ready to send when no error or warning is shown; else how many things to fix first.

    Counted over the findings the report shows (``disable`` hides a rule from
    the verdict too). An impolite or low-transparency label always comes with a
    warning, so a draft the tool judges impolite or vague is never "ready".
    """
    n = sum(1 for f in findings if f.severity in ("error", "warning"))
    return Verdict(n == 0, "ready to send" if n == 0 else f"fix {n} thing{'s' if n > 1 else ''} first")


def build_critique(analysis: Analysis, relationship: str | None = None, disable: Iterable[str] = (), channel: str | None = None) -> Critique:
    """The critique of an analysed draft.

    ``relationship`` is an already normalised label (see
    :func:`refernlp.schema.normalise_relationship`) or ``None`` to use the
    inferred one. ``disable`` only hides findings; nothing else depends on it.
    ``channel`` (any spelling of :func:`refernlp.schema.normalise_channel`) picks
    the length advice; ``None`` infers it from the text.
    """
    doc, probs, text = analysis.doc, analysis.probs, analysis.text
    rtype = analysis.label("request_type")
    if relationship is not None:
        rel = Relationship(relationship, 1.0, "given")
    else:
        rel = inferred_relationship(probs["relationship"])
    ext = doc._
    strategies = tuple(ext.strategies)
    spans = ext.slot_spans
    pp = probs["politeness"]
    pol = Politeness(
        max(pp, key=pp.get),
        pp.get("polite", 0.0) + 0.5 * pp.get("neutral", 0.0),
        # texts are sliced from the original: the pipeline saw a copy with markup blanked
        tuple(Strategy(m.name, m.polarity, text[m.start : m.end], m.start, m.end) for m in strategies),
    )
    tp = probs["transparency"]
    tlabel = None if rtype == "none" else max(tp, key=tp.get)
    ctx = Context.build(
        analysis.prepared, doc, request_type=rtype, relationship=rel.label, relationship_source=rel.source, politeness=pol.label, channel=channel,
        transparency=tlabel,
    )
    # ctx.missing follows the label: "high" never lists an essential element (findings.reconcile_missing)
    transparency = Transparency(tlabel, tp.get("high", 0.0), ctx.missing)
    shown = hide(run_rules(ctx), disable)
    sents = [s for s in (TokenTable.of(doc).sent_texts if len(doc) else sentence_texts(doc)) if s.strip()]
    stats = Stats(ctx.words, ctx.characters, len(sents), sum(1 for s in sents if s.rstrip().endswith("?")))
    return Critique(
        request_type=Label(rtype, probs["request_type"][rtype]),
        relationship=rel,
        transparency=transparency,
        politeness=pol,
        asks_introduction=ctx.asks_introduction,
        purpose=purpose_label(analysis),
        channel=Channel(ctx.channel, ctx.channel_source),
        slots=Slots(
            # the corpus's consistency rules: a company is a target only in a targeted ask, a role
            # only in an ask (measured on dev: company F1 0.745 -> 0.778 with the gate)
            # (each slot sliced from the spans read once above: Analysis.slot reads doc._ again per slot)
            **{k: (None if (k == "company" and rtype != "targeted") or (k == "role" and rtype == "none") else slot_text(text, spans, k)) for k in SLOT_NAMES},
            job_ids=tuple(text[a:b] for a, b in spans["job_ids"]),
            urls=tuple(text[a:b] for a, b in spans["urls"]),
        ),
        findings=shown,
        stats=stats,
        verdict=verdict(shown),
        text=text,
    )
