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

from .findings import Context, hide, run_rules
from .results import Critique, Label, Politeness, Relationship, Slots, Stats, Strategy, Transparency
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
        span = self.slot_spans.get(name)
        return self.text[span[0] : span[1]] if span else None


def freeze_probs(probs: Mapping[str, Mapping[str, float]]) -> Mapping[str, Mapping[str, float]]:
    return MappingProxyType({t: MappingProxyType(dict(p)) for t, p in probs.items()})


def build_critique(analysis: Analysis, relationship: str | None = None, disable: Iterable[str] = ()) -> Critique:
    """The critique of an analysed draft.

    ``relationship`` is an already normalised label (see
    :func:`refernlp.schema.normalise_relationship`) or ``None`` to use the
    inferred one. ``disable`` only hides findings; nothing else depends on it.
    """
    doc, probs, text = analysis.doc, analysis.probs, analysis.text
    rtype = analysis.label("request_type")
    if relationship is not None:
        rel = Relationship(relationship, 1.0, "given")
    else:
        label = analysis.label("relationship")
        rel = Relationship(label, probs["relationship"][label], "inferred")
    strategies = tuple(doc._.strategies)
    spans = doc._.slot_spans
    pp = probs["politeness"]
    pol = Politeness(
        max(pp, key=pp.get),
        pp.get("polite", 0.0) + 0.5 * pp.get("neutral", 0.0),
        # texts are sliced from the original: the pipeline saw a copy with markup blanked
        tuple(Strategy(m.name, m.polarity, text[m.start : m.end], m.start, m.end) for m in strategies),
    )
    ctx = Context.build(analysis.prepared, doc, request_type=rtype, relationship=rel.label, relationship_source=rel.source, politeness=pol.label)
    tp = probs["transparency"]
    transparency = Transparency(None if rtype == "none" else max(tp, key=tp.get), tp.get("high", 0.0), ctx.missing)
    sents = [s for s in doc.sents if s.text.strip()]
    stats = Stats(ctx.words, len(text), len(sents), sum(1 for s in sents if s.text.rstrip().endswith("?")))
    return Critique(
        request_type=Label(rtype, probs["request_type"][rtype]),
        relationship=rel,
        transparency=transparency,
        politeness=pol,
        asks_introduction=ctx.asks_introduction,
        slots=Slots(
            **{k: analysis.slot(k) for k in SLOT_NAMES},
            job_ids=tuple(text[a:b] for a, b in spans["job_ids"]),
            urls=tuple(text[a:b] for a, b in spans["urls"]),
        ),
        findings=hide(run_rules(ctx), disable),
        stats=stats,
        text=text,
    )
