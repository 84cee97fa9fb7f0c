"""Property-based tests (hypothesis) for everything that takes user text.

For any Unicode text up to 5,000 characters:

* ``critique`` returns a result that validates against the shipped JSON Schema
  (``refernlp/schema.json``), or raises :class:`~refernlp.errors.InputError`;
* every strategy and finding span lies inside the text, every strategy span
  slices the text to exactly its reported text, and every slot is a substring;
* the result is the same when asked twice;
* ``rewrite`` never raises anything but ``InputError``.

Two generators are used: hypothesis' own Unicode text (every code point but
surrogates), and "draft-like" text assembled from fragments that stress the
preparation step (HTML, entities, CR/CRLF, zero-width and bidi controls,
quoted replies, emoji, names, links, job IDs). The number of examples each
property ran is printed (run with ``-s``) and recorded as a junit property.
"""

from __future__ import annotations

import importlib.util
import json
import os
from importlib import resources
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
jsonschema = pytest.importorskip("jsonschema")

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refernlp import Critic, InputError

MAX_LEN = 5_000
#: REFERNLP_PROPERTY_SCALE=20 runs twenty times as many examples (a slow, thorough hunt)
SCALE = max(1, int(os.environ.get("REFERNLP_PROPERTY_SCALE", "1") or 1))
CRITIQUE_EXAMPLES = 200 * SCALE
DRAFT_EXAMPLES = 200 * SCALE
REWRITE_EXAMPLES = 60 * SCALE
HAS_REWRITE = importlib.util.find_spec("refernlp.rewrite") is not None

COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large], "print_blob": True}

FRAGMENTS = [
    "Hi", "Hey Sam", "Dear Ms. O'Neil,", "Hi Sam Lee,", "Hello", "could you", "Could you please", "would you be open to",
    "refer me", "referring me", "for the", "Data Analyst", "Senior Data Analyst", "role", "position", "at", "Acme",
    "Acme Corp.", "Globex", "job ID", "R-12345", "#123456", "JR-2024-77", "https://boards.greenhouse.io/acme/jobs/12345",
    "www.acme.com/careers/42", "sam@example.com", "Thanks!", "Thank you so much.", "No worries if not.", "Sorry to bother you",
    "ASAP", "NOW", "!!!", "??", "?", ".", ",", "...", "…", "—", "-", "Best,", "Cheers,", "— Alex", "Alex", "Priya Natarajan",
    "my friend Jordan suggested", "through our mutual friend Maria", "I worked at Initech", "I'm applying",
    "<p>", "</p>", "<b>", "</b>", "<br>", "<div>", "</div>", "<a href=\"https://acme.com/jobs/1\">", "</a>", "<!-- c -->",
    "<html>", "<body>", "<style>p{}</style>", "<script>x()</script>", "&nbsp;", "&amp;", "&#39;", "&#x2019;", "&bogus;",
    "\n", "\n\n", "\r\n", "\r", "\t", "  ", "\u00a0", "\u200b", "\u200d", "\u200e", "\u200f", "\u202e", "\u202c", "\ufeff",
    "\u2028", "\u0085", "> ", "\n> ", ">", "On Mon, 3 Jun 2024, Sam wrote:\n", "-----Original Message-----\n",
    "From: Sam\nSent: Monday\n", "😀", "🙏🏽", "👩\u200d💻", "🇬🇧", "王伟", "数据分析师", "Привет", "مرحبا", "שלום", "ありがとう",
    "Zoë", "Müller", "e\u0301", "ﬁ", "İstanbul", "ß", "ǅ", "\U0001d400", "0", "42", "'s", "’s", "(", ")", "\"", "'",
]


@st.composite
def draft_like(draw) -> str:
    parts = draw(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=120))
    seps = draw(st.lists(st.sampled_from([" ", "", "\n", ", ", " \r\n", "\u200b"]), min_size=len(parts), max_size=len(parts)))
    return "".join(p + s for p, s in zip(parts, seps))[:MAX_LEN]


NOISE = [
    "\r", "\r\n", "\u200b", "\u200d", "\u200e", "\u202e", "\ufeff", "\u00ad", "\u2028", "\u00a0", "\t",
    "<b>", "</b>", "<i>", "</i>", "<br>", "</p><p>", "&nbsp;", "&amp;", "&#8217;", "<!-- x -->", "\n> quoted\n",
]
_DATA = Path(__file__).resolve().parents[2] / "data" / "test.jsonl"
DRAFTS = (
    [json.loads(line)["text"] for line in _DATA.open(encoding="utf-8")][:60]
    if _DATA.is_file()
    else ["Hi Sam, could you please refer me for the Data Analyst role at Acme (job ID R-12345)? Thanks so much!\nBest,\nAlex"]
)


@st.composite
def mutated_draft(draw) -> str:
    """A real draft with invisible characters, markup, entities and line endings slipped between words."""
    words = draw(st.sampled_from(DRAFTS)).split(" ")
    for _ in range(draw(st.integers(1, 10))):
        i = draw(st.integers(0, len(words) - 1))
        words[i] += draw(st.sampled_from(NOISE))
    if draw(st.booleans()):
        words.insert(0, draw(st.sampled_from(["<p>", "<html><body>", "\ufeff", "\r\n", "&#39;"])))
    return " ".join(words)[:MAX_LEN]


any_text = st.text(max_size=MAX_LEN)


@pytest.fixture(scope="module")
def prop_critic():
    return Critic.load()


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(resources.files("refernlp").joinpath("schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def check_result(text: str, d: dict, validator) -> None:
    validator.validate(d)
    n = len(text)
    for s in d["politeness"]["strategies"]:
        assert 0 <= s["start"] < s["end"] <= n, s
        assert text[s["start"] : s["end"]] == s["text"], (s, text[s["start"] : s["end"]])
    for f in d["findings"]:
        if f["start"] is None:
            assert f["end"] is None, f
        else:
            assert 0 <= f["start"] <= f["end"] <= n, f
    slots = d["slots"]
    for key in ("company", "role", "recipient_name", "sender_name", "mutual_contact"):
        assert slots[key] is None or slots[key] in text, (key, slots[key])
    for value in slots["job_ids"] + slots["urls"]:
        assert value in text, value
    assert d["stats"]["characters"] == len(text.strip())  # the draft without leading and trailing blanks
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d


def _report(record_property, capsys, name: str, counts: dict[str, int]) -> None:
    record_property(f"{name}_examples", counts["examples"])
    record_property(f"{name}_input_errors", counts["input_errors"])
    with capsys.disabled():
        print(f"\n[hypothesis] {name}: {counts['examples']} examples ({counts['input_errors']} rejected with InputError)")


def _critique_property(critic, validator, strategy, max_examples: int) -> dict[str, int]:
    counts = {"examples": 0, "input_errors": 0}

    @settings(max_examples=max_examples, **COMMON)
    @given(text=strategy)
    def prop(text: str) -> None:
        counts["examples"] += 1
        try:
            result = critic.critique(text)
        except InputError as exc:
            counts["input_errors"] += 1
            assert "\n" not in str(exc)
            return
        d = result.to_dict()
        check_result(text, d, validator)
        assert critic.critique(text).to_dict() == d  # same answer every time

    prop()
    return counts


def test_critique_any_unicode_validates_or_raises_input_error(prop_critic, validator, record_property, capsys):
    counts = _critique_property(prop_critic, validator, any_text, CRITIQUE_EXAMPLES)
    _report(record_property, capsys, "critique_unicode", counts)
    assert counts["examples"] >= CRITIQUE_EXAMPLES // 2


def test_critique_draft_like_text_validates_or_raises_input_error(prop_critic, validator, record_property, capsys):
    counts = _critique_property(prop_critic, validator, draft_like(), DRAFT_EXAMPLES)
    _report(record_property, capsys, "critique_draft_like", counts)
    assert counts["examples"] >= DRAFT_EXAMPLES // 2


def test_critique_mutated_drafts_keep_spans_on_the_original(prop_critic, validator, record_property, capsys):
    counts = _critique_property(prop_critic, validator, mutated_draft(), DRAFT_EXAMPLES)
    _report(record_property, capsys, "critique_mutated_drafts", counts)
    assert counts["examples"] >= DRAFT_EXAMPLES // 2


def test_critique_many_matches_critique(prop_critic, record_property, capsys):
    counts = {"examples": 0, "input_errors": 0}

    @settings(max_examples=30 * SCALE, **COMMON)
    @given(texts=st.lists(draft_like(), min_size=1, max_size=4))
    def prop(texts: list[str]) -> None:
        counts["examples"] += 1
        try:
            many = prop_critic.critique_many(texts)
        except InputError:
            counts["input_errors"] += 1
            with pytest.raises(InputError):
                for t in texts:
                    prop_critic.critique(t)
            return
        assert [c.to_dict() for c in many] == [prop_critic.critique(t).to_dict() for t in texts]

    prop()
    _report(record_property, capsys, "critique_many", counts)


@pytest.mark.skipif(not HAS_REWRITE, reason="refernlp.rewrite is not written yet")
@pytest.mark.parametrize("kind", ["unicode", "draft_like", "mutated"])
def test_rewrite_raises_only_input_error(prop_critic, record_property, capsys, kind):
    counts = {"examples": 0, "input_errors": 0}
    strategy = {"unicode": any_text, "draft_like": draft_like(), "mutated": mutated_draft()}[kind]

    @settings(max_examples=REWRITE_EXAMPLES, **COMMON)
    @given(text=strategy, relationship=st.sampled_from([None, "strong", "weak", "second_degree"]))
    def prop(text: str, relationship) -> None:
        counts["examples"] += 1
        try:
            rewrites = prop_critic.rewrite(text, relationship=relationship)
        except InputError:
            counts["input_errors"] += 1
            return
        assert isinstance(rewrites, list)
        for r in rewrites:
            json.dumps(r.to_dict(), ensure_ascii=False)

    prop()
    _report(record_property, capsys, f"rewrite_{kind}", counts)
