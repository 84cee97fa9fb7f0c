"""--channel: each channel's length advice (shared/DOMAIN.md figures), the channel reported in JSON, inference."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from refernlp.channels import infer_channel
from refernlp.cli import main
from refernlp.errors import InputError
from refernlp.schema import CHANNEL_CLI, CHANNELS, LENGTH, normalise_channel
from refernlp.textio import prepare

SENTENCE = "I have spent the last few years working across many projects, learning a lot about teams. "
LENGTH_IDS = {"length.too_long", "length.long", "length.text_long", "length.note_limit", "length.note_free_limit", "length.email_words"}


def draft(chars: int) -> str:
    """A draft of exactly ``chars`` characters (no leading or trailing blanks)."""
    text = (SENTENCE * (chars // len(SENTENCE) + 1))[:chars].rstrip()
    return text + "x" * (chars - len(text))


def words(n: int) -> str:
    return " ".join(["word"] * n) + "."


CASES = [
    # channel, draft, the length findings expected, a figure the message must quote
    ("linkedin", draft(300), set(), None),
    ("linkedin", draft(950), {"length.long"}, "6% fewer"),
    ("linkedin", draft(1300), {"length.too_long"}, "11% fewer"),
    ("chat", draft(950), {"length.long"}, "22% more"),
    ("chat", draft(1300), {"length.too_long"}, "11% fewer"),
    ("sms", draft(300), set(), None),
    ("sms", draft(500), {"length.text_long"}, "22% more"),
    ("sms", draft(1300), {"length.too_long"}, "1,300 characters"),
    ("linkedin_note", draft(150), set(), None),
    ("linkedin_note", draft(250), {"length.note_free_limit"}, "200 characters"),
    ("linkedin_note", draft(350), {"length.note_limit"}, "300 characters"),
    ("email", words(80), set(), None),
    ("email", words(200), {"length.email_words"}, "50–125 words"),
    ("email", draft(1300), {"length.email_words"}, "above 50%"),
]


@pytest.mark.parametrize("channel,text,expected,figure", CASES, ids=[f"{c[0]}-{len(c[1])}" for c in CASES])
def test_length_advice_per_channel(critic, channel, text, expected, figure):
    result = critic.critique(text, channel=channel)
    assert result.channel.to_dict() == {"label": channel, "source": "given"}
    found = [f for f in result.findings if f.id in LENGTH_IDS]
    assert {f.id for f in found} == expected
    if figure:
        assert any(figure in f.message for f in found), [f.message for f in found]
    for f in found:
        if "characters" in f.message.split(":")[0]:
            # the count a finding quotes is the count of the stats line
            assert f.message.startswith(f"{result.stats.characters:,} characters")


def test_every_channel_has_a_case():
    assert {c[0] for c in CASES} == set(CHANNELS)


def test_cli_spellings():
    assert normalise_channel("linkedin-note") == "linkedin_note"
    assert normalise_channel("text") == "sms"
    assert normalise_channel("auto") is None and normalise_channel(None) is None
    assert {normalise_channel(c) for c in CHANNEL_CLI} - {None} == set(CHANNELS)
    with pytest.raises(InputError, match="unknown channel"):
        normalise_channel("fax")


def test_cli_reports_the_channel(tmp_path):
    p = tmp_path / "note.txt"
    p.write_text(draft(250), encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(main, ["critique", "--format", "json", "--channel", "linkedin-note", str(p)])
    obj = json.loads(res.stdout)
    assert obj["channel"] == {"label": "linkedin_note", "source": "given"}
    assert "length.note_free_limit" in [f["id"] for f in obj["findings"]]
    res = runner.invoke(main, ["critique", "--format", "json", str(p)])
    assert json.loads(res.stdout)["channel"] == {"label": "linkedin", "source": "inferred"}
    res = runner.invoke(main, ["critique", "--no-color", "--channel", "text", str(p)])
    assert "channel        sms (given)" in res.stdout
    cfg = tmp_path / "cfg.toml"
    cfg.write_text('channel = "linkedin-note"\n')
    res = runner.invoke(main, ["critique", "--format", "json", "--config", str(cfg), str(p)])
    assert json.loads(res.stdout)["channel"]["label"] == "linkedin_note"
    cfg.write_text('channel = "fax"\n')
    res = runner.invoke(main, ["critique", "--config", str(cfg), str(p)])
    assert res.exit_code == 2 and "unknown channel" in res.output


@pytest.mark.parametrize(
    "text,channel",
    [
        ("Subject: Data Analyst referral\n\nHi Sam, could you refer me?", "email"),
        ("Dear Ms Okafor,\n\nI hope you are well. Could you refer me for the analyst role?\n\nBest regards,\nLena", "email"),
        ("<html><body><p>Could you refer me at Acme?</p></body></html>", "email"),
        ("Dear Mr. Jawad, we met once at the awards. Could you refer me? Regards, Hamza", "linkedin"),
        ("hey! u still at acme? can u refer me", "linkedin"),
    ],
)
def test_inference(text, channel):
    assert infer_channel(prepare(text)) == channel


def test_length_policy_figures():
    assert (LENGTH.note_free_limit, LENGTH.note_limit) == (200, 300)
    assert (LENGTH.message_long, LENGTH.message_too_long, LENGTH.text_long) == (800, 1200, 400)
