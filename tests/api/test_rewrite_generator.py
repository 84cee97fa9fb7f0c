"""The optional neural paraphraser of the suggested rewrites (``--generator PATH``).

Every model here is tiny, randomly initialised and built by the test in a
temporary directory: nothing is downloaded. A random model writes garbage,
which is exactly what the fact checks must catch.
"""

from __future__ import annotations

import json
import re
import sys

import pytest
from click.testing import CliRunner

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("tokenizers")

import torch
from helpers import phrase_bank_words

from refernlp.cli import main
from refernlp.errors import InputError, MissingExtraError, ModelError
from refernlp.rewrite import Generator, apply_edits, rewrite_with
from refernlp.rewrite.generator import reworded_ok

DRAFTS = {
    "targeted": (
        "Hey Priya, hope the new flat is treating you well! I'm applying for the Senior Backend Engineer role at "
        "Lumenfield (job ID 4827193): https://boards.greenhouse.io/lumenfield/jobs/4827193. I've spent four years "
        "building billing systems in Go and Postgres. Would you be willing to refer me? Thanks!\nDaniel"
    ),
    "general": (
        "Hi Grace,\n\nI'm looking for senior UX researcher roles in Toronto or remote. I have 8 years of experience "
        "in mixed-methods research. If you hear of anything, could you keep me in mind?\n\nThanks,\nNadia"
    ),
    "second_degree": (
        "Hi Sofia,\n\nWe haven't met, but Jonah Whitfield suggested I reach out to you. I'm a product manager with "
        "five years of experience and I'm applying for the Product Manager role at Tessera Health. Would you be "
        "able to refer me?\n\nRahul Mehta"
    ),
}
WORD = re.compile(r"[\w'’-]+")
PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,60}\]")
WORDS = [
    "hi", "hello", "thanks", "thank", "you", "i", "i'm", "am", "applying", "for", "the", "role", "at", "would", "be",
    "open", "to", "a", "short", "chat", "referral", "introduce", "us", "know", "well", "team", "company", "resume",
    "send", "happy", "glad", "help", "no", "pressure", "worries", "if", "not", "so", "much", "either", "way",
    ".", ",", "!", "?", "'",
]


def _tokenizer(path):
    """A word-level tokenizer over a tiny vocabulary, saved next to the model (works with transformers 4 and 5)."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    specials = ["[PAD]", "[UNK]", "[BOS]", "[EOS]"]
    vocab = {w: i for i, w in enumerate(specials + sorted(set(WORDS)))}
    tk = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    tk.normalizer = normalizers.Lowercase()
    tk.pre_tokenizer = pre_tokenizers.Whitespace()
    tok = PreTrainedTokenizerFast(tokenizer_object=tk, unk_token="[UNK]", pad_token="[PAD]", bos_token="[BOS]", eos_token="[EOS]")
    tok.save_pretrained(str(path))
    return len(vocab)


def build_tiny_causal(path, seed: int = 0):
    from transformers import GPT2Config, GPT2LMHeadModel

    path.mkdir(parents=True, exist_ok=True)
    size = _tokenizer(path)
    torch.manual_seed(seed)
    config = GPT2Config(vocab_size=size, n_positions=256, n_embd=16, n_layer=1, n_head=2, bos_token_id=2, eos_token_id=3, pad_token_id=0)
    GPT2LMHeadModel(config).save_pretrained(str(path))
    return path


def build_tiny_seq2seq(path, seed: int = 0):
    from transformers import T5Config, T5ForConditionalGeneration

    path.mkdir(parents=True, exist_ok=True)
    size = _tokenizer(path)
    torch.manual_seed(seed)
    config = T5Config(
        vocab_size=size, d_model=16, d_kv=8, d_ff=32, num_layers=1, num_decoder_layers=1, num_heads=2,
        pad_token_id=0, eos_token_id=3, decoder_start_token_id=0,
    )
    T5ForConditionalGeneration(config).save_pretrained(str(path))
    return path


@pytest.fixture(scope="module")
def causal_dir(tmp_path_factory):
    return build_tiny_causal(tmp_path_factory.mktemp("gen") / "tiny-gpt2")


@pytest.fixture(scope="module")
def seq2seq_dir(tmp_path_factory):
    return build_tiny_seq2seq(tmp_path_factory.mktemp("gen") / "tiny-t5")


@pytest.fixture(scope="module")
def causal(causal_dir):
    return Generator(causal_dir, max_new_tokens=16)


@pytest.fixture(scope="module")
def seq2seq(seq2seq_dir):
    return Generator(seq2seq_dir, max_new_tokens=16)


def _slot_values(crit) -> list[str]:
    s = crit.slots
    company = s.company if crit.request_type.label == "targeted" else None
    return [v for v in (company, s.role, s.recipient_name, s.sender_name, s.mutual_contact, *s.job_ids, *s.urls) if v]


def _assert_fact_checks(critic, draft, rewrites):
    """The checks every suggestion must pass, with or without a generator."""
    vocab = phrase_bank_words()
    crit = critic.critique(draft)
    for r in rewrites:
        for v in _slot_values(crit):
            assert v in r.text, f"{v!r} lost:\n{r.text}"
        for w in WORD.findall(PLACEHOLDER.sub(" ", r.text)):
            if w[:1].isupper() or any(c.isdigit() for c in w):
                low = re.sub(r"['’]s$", "", w.lower())
                assert low in vocab or low in draft.lower(), f"invented {w!r}:\n{r.text}"
        assert "{" not in r.text and "}" not in r.text
        if hasattr(r, "placeholders"):
            assert list(r.placeholders) == list(dict.fromkeys(PLACEHOLDER.findall(r.text)))


# --- loading --------------------------------------------------------------------------------
def test_config_decides_the_model_kind(causal, seq2seq):
    assert causal.encoder_decoder is False and "causal" in repr(causal)
    assert seq2seq.encoder_decoder is True and "seq2seq" in repr(seq2seq)


@pytest.mark.parametrize("which", ["causal", "seq2seq"])
def test_paraphrase_is_deterministic_without_seed(request, which):
    gen = request.getfixturevalue(which)
    sentences = ["I'm applying for the role at the company.", "Thanks so much either way!"]
    first = gen.paraphrase(sentences)
    assert first == gen.paraphrase(sentences)
    assert len(first) == 2 and all(isinstance(o, list) and len(o) <= gen.num_candidates for o in first)
    assert all(isinstance(x, str) and x and "\n" not in x for o in first for x in o)


def test_seed_samples_reproducibly_and_restores_the_global_rng(causal):
    sentences = ["I'm applying for the role at the company.", "Would you be open to a short chat?"]
    state = torch.random.get_rng_state()
    a = causal.paraphrase(sentences, seed=3)
    assert torch.equal(state, torch.random.get_rng_state())
    assert a == causal.paraphrase(sentences, seed=3)


def test_missing_path_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="does not exist"):
        Generator(tmp_path / "nope")
    (tmp_path / "file.bin").write_bytes(b"x")
    with pytest.raises(ModelError, match="not a model directory"):
        Generator(tmp_path / "file.bin")
    with pytest.raises(ModelError, match="config.json"):
        Generator(tmp_path)


def test_broken_model_directory_is_a_model_error(tmp_path):
    (tmp_path / "config.json").write_text('{"model_type": "gpt2"}', encoding="utf-8")  # no weights, no tokenizer
    with pytest.raises(ModelError, match="cannot load the generator") as info:
        Generator(tmp_path)
    assert "\n" not in str(info.value)


def test_missing_extra_names_the_install_command(causal_dir, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # "import torch" now fails
    with pytest.raises(MissingExtraError) as info:
        Generator(causal_dir)
    assert 'pip install torch==2.13.0 && pip install "refernlp[neural]"' in str(info.value)


def test_generator_argument_is_checked(critic):
    with pytest.raises(InputError):
        rewrite_with(critic, DRAFTS["targeted"], generator="models/gpt2")  # type: ignore[arg-type]


# --- the rewrite path -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("which", "rel"), [("causal", "strong"), ("causal", "weak"), ("causal", "second_degree"), ("seq2seq", "second_degree")]
)
def test_tiny_model_runs_end_to_end_and_its_garbage_is_filtered(critic, request, which, rel):
    gen = request.getfixturevalue(which)
    draft = DRAFTS["targeted"]
    default = critic.rewrite(draft, relationship=rel)
    with_gen = critic.rewrite(draft, relationship=rel, generator=gen)
    # the random model did write something for the inserted sentences, and none of it passed the checks
    sentences = [e.after.strip(" .") for r in default for e in r.edits if e.start == e.end and len(WORD.findall(e.after)) >= 4]
    sentences = sentences or ["I'm happy to send my resume and a short blurb you can forward."]
    crit = critic.critique(draft, relationship=rel)
    values = [v for v in (crit.slots.company, crit.slots.role, *crit.slots.job_ids, *crit.slots.urls) if v]
    raw = gen.paraphrase(sentences)
    assert any(raw), "the tiny model generated nothing to check"
    allowed = phrase_bank_words() | {w.lower() for w in WORD.findall(draft)}
    assert not any(reworded_ok(s, o, values, allowed) for s, outs in zip(sentences, raw) for o in outs)
    # so the suggestions are the default ones, and the same fact checks hold
    assert [r.text for r in with_gen] == [r.text for r in default]
    _assert_fact_checks(critic, draft, with_gen)


def test_rewrite_with_generator_is_deterministic(critic, causal):
    a = critic.rewrite(DRAFTS["general"], relationship="strong", generator=causal)
    assert a == critic.rewrite(DRAFTS["general"], relationship="strong", generator=causal)


class ScriptedGenerator(Generator):
    """Stands in for a model: rewords sentences with a Python function (no torch involved)."""

    def __init__(self, reword):
        self.num_candidates = 1
        self.reword = reword
        self.calls = 0

    def paraphrase(self, sentences, *, seed=None):
        self.calls += 1
        return [[self.reword(s)] for s in sentences]


BAD_REWORDINGS = {
    "invented company": lambda s: s.replace("the team", "the team at Microsoft"),
    "invented number": lambda s: s.rstrip(".!?") + " in 2024.",
    "dropped job ID": lambda s: s.replace("4827193", "the job"),
    "dropped placeholder": lambda s: PLACEHOLDER.sub("something", s),
    "template leftover": lambda s: s.rstrip(".!?") + " {name}.",
    "doubled word": lambda s: s.replace(" the ", " the the "),
    "question to statement": lambda s: s[:-1] + "." if s.endswith("?") else s,
    "direct referral ask": lambda s: "Please refer me for the job now.",
}


@pytest.mark.parametrize("kind", sorted(BAD_REWORDINGS))
@pytest.mark.parametrize("rel", ["strong", "weak", "second_degree"])
def test_bad_paraphrases_never_reach_the_user(critic, kind, rel):
    gen = ScriptedGenerator(BAD_REWORDINGS[kind])
    draft = DRAFTS["targeted"]
    default = critic.rewrite(draft, relationship=rel)
    with_gen = critic.rewrite(draft, relationship=rel, generator=gen)
    assert gen.calls <= 1  # one batch of the inserted sentences (none when the draft is ready to send)
    assert [r.text for r in with_gen] == [r.text for r in default]  # every bad edit was dropped
    _assert_fact_checks(critic, draft, with_gen)


def test_good_paraphrases_of_inserted_sentences_are_used(critic):
    def reword(s):
        return s.replace("Thanks so much either way!", "Thank you so much, either way!")

    gen = ScriptedGenerator(reword)
    draft = (
        "Hi Grace,\n\nI'm looking for senior UX researcher roles in Toronto or remote. I have 8 years of experience in "
        "mixed-methods research. Send me anything you hear of.\n\nNadia"
    )
    default = critic.rewrite(draft, relationship="strong")
    assert any("Thanks so much either way!" in r.text for r in default), "precondition: an inserted sentence to reword"
    with_gen = critic.rewrite(draft, relationship="strong", generator=gen)
    assert any("Thank you so much, either way!" in r.text for r in with_gen)
    for r in with_gen:
        assert apply_edits(draft, r.edits) == r.text
    _assert_fact_checks(critic, draft, with_gen)


# --- CLI ----------------------------------------------------------------------------------------
@pytest.fixture()
def draft_file(tmp_path):
    p = tmp_path / "draft.txt"
    p.write_text(DRAFTS["second_degree"], encoding="utf-8")
    return p


def test_cli_rewrite_with_generator(critic, draft_file, causal_dir):
    runner = CliRunner()
    result = runner.invoke(main, ["rewrite", str(draft_file), "--format", "json", "--generator", str(causal_dir)])
    assert result.exit_code == 0, result.output
    obj = json.loads(result.stdout.strip().splitlines()[0])
    assert set(obj) == {"source", "critique", "rewrites"}
    # the tiny model's garbage is filtered: the suggestions are the default ones
    assert [r["text"] for r in obj["rewrites"]] == [r.text for r in critic.rewrite(DRAFTS["second_degree"])]
    text = runner.invoke(main, ["rewrite", str(draft_file), "--generator", str(causal_dir), "--no-color", "-n", "1"])
    assert text.exit_code == 0 and "rewrite 1 (" in text.output and "Tessera Health" in text.output


@pytest.mark.parametrize("bad", ["missing", "file", "empty_dir"])
def test_cli_bad_generator_path_is_exit_2(tmp_path, draft_file, bad):
    target = {"missing": tmp_path / "nope", "file": draft_file, "empty_dir": tmp_path / "empty"}[bad]
    if bad == "empty_dir":
        target.mkdir()
    result = CliRunner().invoke(main, ["rewrite", str(draft_file), "--generator", str(target)])
    assert result.exit_code == 2
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("refernlp: error: generator"), result.stderr
