"""The CLI through click's CliRunner: output formats, options, exit codes, help."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from helpers import DATA

from refernlp import __version__
from refernlp.cli import main

EXAMPLE = str(DATA / "examples" / "targeted_demanding.txt")


@pytest.fixture()
def runner():
    return CliRunner()


def test_critique_text_report(runner):
    res = runner.invoke(main, ["critique", "--no-color", EXAMPLE])
    assert res.exit_code == 0, res.output
    assert "request type   targeted" in res.output
    assert "[[" in res.output  # flagged phrases marked in the draft
    assert "[politeness.command]" in res.output


def test_critique_json_one_object_per_input(runner):
    other = str(DATA / "examples" / "polite_general.txt")
    res = runner.invoke(main, ["critique", "--format", "json", EXAMPLE, other])
    assert res.exit_code == 0
    lines = res.output.strip().splitlines()
    assert len(lines) == 2
    objs = [json.loads(line) for line in lines]
    assert [o["source"] for o in objs] == [EXAMPLE, other]
    assert set(objs[0]) == {"source", "schema_version", "request_type", "purpose", "relationship", "channel", "transparency", "politeness", "asks_introduction", "slots", "findings", "stats", "verdict"}


def test_critique_stdin(runner):
    res = runner.invoke(main, ["critique", "--format", "json", "-"], input="Hi Jo, could you refer me for the analyst role at Acme? Thanks!")
    assert res.exit_code == 0
    assert json.loads(res.output)["source"] == "-"


def test_relationship_given_wins(runner):
    res = runner.invoke(main, ["critique", "--format", "json", "--relationship", "second-degree", EXAMPLE])
    rel = json.loads(res.output)["relationship"]
    assert rel == {"label": "second_degree", "confidence": 1.0, "source": "given"}


def test_disable_and_fail_on(runner):
    res = runner.invoke(main, ["critique", "--format", "json", "--fail-on", "warning", EXAMPLE])
    assert res.exit_code == 1
    res = runner.invoke(main, ["critique", "--format", "json", "--disable", "politeness.", "--disable", "courtesy.", EXAMPLE])
    ids = [f["id"] for f in json.loads(res.output)["findings"]]
    assert not any(i.startswith(("politeness.", "courtesy.")) for i in ids)


def test_config_file_disables(runner, tmp_path):
    cfg = tmp_path / "cfg.toml"
    cfg.write_text('disable = ["courtesy", "targeted."]\n')
    res = runner.invoke(main, ["critique", "--format", "json", "--config", str(cfg), EXAMPLE])
    ids = [f["id"] for f in json.loads(res.output)["findings"]]
    assert ids and not any(i.startswith(("courtesy.", "targeted.")) for i in ids)
    cfg.write_text('bogus = 1\n')
    res = runner.invoke(main, ["critique", "--config", str(cfg), EXAMPLE])
    assert res.exit_code == 2 and "unknown setting" in res.output


@pytest.mark.parametrize(
    "make,needle",
    [
        (lambda p: p / "missing.txt", "no such file"),
        (lambda p: p, "is a directory"),
        (lambda p: (p / "e.txt").write_text("") and p / "e.txt" or p / "e.txt", "empty"),
        (lambda p: (p / "b.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20) and p / "b.png" or p / "b.png", "PNG"),
        (lambda p: (p / "u.txt").write_bytes(b"Hi \xff\xfe there") and p / "u.txt" or p / "u.txt", "byte offset 3"),
    ],
)
def test_bad_input_exit_2_one_line(runner, tmp_path, make, needle):
    path = make(tmp_path)
    res = runner.invoke(main, ["critique", str(path)])
    assert res.exit_code == 2
    assert needle in res.output
    assert "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_too_long(runner, tmp_path):
    p = tmp_path / "long.txt"
    p.write_text("word " * 100)
    res = runner.invoke(main, ["critique", "--max-chars", "50", str(p)])
    assert res.exit_code == 2 and "limit" in res.output


def test_bad_models_dir(runner, tmp_path):
    res = runner.invoke(main, ["critique", "--models", str(tmp_path / "nope"), EXAMPLE])
    assert res.exit_code == 2 and "does not exist" in res.output


def test_version(runner):
    res = runner.invoke(main, ["--version"])
    assert res.exit_code == 0 and __version__ in res.output


def test_every_command_has_help(runner):
    for name, cmd in main.commands.items():
        assert cmd.get_short_help_str(), name
        res = runner.invoke(main, [name, "--help"])
        assert res.exit_code == 0, name
        assert "Usage:" in res.output


def test_rules_lists_ids(runner):
    from refernlp.findings import RULES

    res = runner.invoke(main, ["rules"])
    assert all(rid in res.output for rid in RULES)
