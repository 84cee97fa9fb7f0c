"""Every usage error, anywhere in the CLI group, is one `refernlp: error: ...` line with a hint, exit 2."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from helpers import DATA

from refernlp.cli import main

EXAMPLE = str(DATA / "examples" / "targeted_demanding.txt")

CASES = [
    (["critque", EXAMPLE], "no such command 'critque'", "refernlp --help"),
    (["critique"], "missing argument", "refernlp critique --help"),
    (["critique", "--fromat", "json", EXAMPLE], "no such option '--fromat'", "refernlp critique --help"),
    (["critique", "--format", "xml", EXAMPLE], "invalid value for '--format'", "refernlp critique --help"),
    (["critique", "--channel", "fax", EXAMPLE], "invalid value for '--channel'", "refernlp critique --help"),
    (["critique", "--relationship", "cousin", EXAMPLE], "invalid value for '--relationship'", "refernlp critique --help"),
    (["critique", "--max-chars", "0", EXAMPLE], "invalid value for '--max-chars'", "refernlp critique --help"),
    (["critique", "--max-chars", "many", EXAMPLE], "invalid value for '--max-chars'", "refernlp critique --help"),
    (["critique", "--fail-on", "info", EXAMPLE], "invalid value for '--fail-on'", "refernlp critique --help"),
    (["critique", "--rewrite", "--format", "sarif", EXAMPLE], "--rewrite works with --format text or json", "refernlp critique --help"),
    (["critique", "--disable", "court", EXAMPLE], "unknown finding id or prefix 'court' in --disable; did you mean courtesy.", "refernlp rules"),
    (["critique", "--disable", "politeness.comand", EXAMPLE], "did you mean politeness.command", "refernlp rules"),
    (["rewrite", "-n", "7", EXAMPLE], "invalid value for '-n'", "refernlp rewrite --help"),
    (["rewrite"], "missing argument", "refernlp rewrite --help"),
    (["rules", "--format", "yaml"], "invalid value for '--format'", "refernlp rules --help"),
    (["explain"], "missing argument 'RULE_ID'", "refernlp explain --help"),
    (["explain", "a", "b"], "unexpected extra argument", "refernlp explain --help"),
    (["explain", "politness.comand"], "did you mean politeness.command", "refernlp rules"),
    (["train"], "missing argument", "refernlp train --help"),
    (["evaluate", "--bogus"], "no such option '--bogus'", "refernlp evaluate --help"),
    (["--bogus"], "no such option '--bogus'", "refernlp --help"),
]


@pytest.mark.parametrize("args,needle,hint", CASES, ids=[" ".join(c[0])[:40] for c in CASES])
def test_usage_error_is_one_line(args, needle, hint):
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1, res.output
    assert lines[0].startswith("refernlp: error: ")
    assert needle in lines[0] and hint in lines[0]
    assert "Traceback" not in res.output and "Usage:" not in res.output
    assert res.stdout == ""  # errors go to standard error


def test_disable_in_config_is_checked(tmp_path):
    cfg = tmp_path / "cfg.toml"
    cfg.write_text('disable = ["lenght."]\n')
    res = CliRunner().invoke(main, ["critique", "--config", str(cfg), EXAMPLE])
    assert res.exit_code == 2 and len(res.output.strip().splitlines()) == 1
    assert "'lenght.'" in res.output and "length." in res.output and str(cfg) in res.output


def test_help_and_version_still_exit_0():
    for args in (["--help"], ["critique", "--help"], ["explain", "--help"], ["--version"]):
        res = CliRunner().invoke(main, args)
        assert res.exit_code == 0, args
    assert "Usage:" in CliRunner().invoke(main, ["--help"]).output


def test_bare_group_shows_help():
    res = CliRunner().invoke(main, [])
    assert res.exit_code in (0, 2) and "Usage:" in res.output
