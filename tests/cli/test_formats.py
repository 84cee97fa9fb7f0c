"""--format sarif and --format line, checked against the JSON offsets of the same files (emoji and CRLF drafts too)."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from helpers import DATA

from refernlp.cli import main
from refernlp.findings import RULES

LEVEL = {"error": "error", "warning": "warning", "info": "note"}
EMOJI = "Hi Sam 😀🎉, hope you're well!\nRefer me for the analyst role at Acme ASAP 🙏 I need this by Friday.\nThanks 👍\n"
CRLF = "Hi Sam,\r\n\r\nRefer me for the Data Analyst role at Acme. I need this ASAP.\r\n\r\nThanks,\r\nKim\r\n"
#: a lone carriage return ends a line too (old Mac files), as SARIF counts lines
CR = "Hi Sam,\rRefer me for the analyst role at Acme ASAP.\rKim"

# A subset of the SARIF 2.1.0 JSON schema (sarif-schema-2.1.0.json, OASIS), written out by hand because the
# schema cannot be fetched offline: the objects refernlp writes, with the spec's required properties, enums
# and minimums.
_MSG = {"type": "object", "required": ["text"], "properties": {"text": {"type": "string", "minLength": 1}, "markdown": {"type": "string"}}}
_ARTIFACT_LOCATION = {"type": "object", "properties": {"uri": {"type": "string", "minLength": 1}, "index": {"type": "integer", "minimum": -1}}}
_REGION = {
    "type": "object",
    "properties": {k: {"type": "integer", "minimum": 1} for k in ("startLine", "startColumn", "endLine", "endColumn")}
    | {"charOffset": {"type": "integer", "minimum": -1}, "charLength": {"type": "integer", "minimum": 0}},
}
_LOCATION = {"type": "object", "properties": {"physicalLocation": {"type": "object", "properties": {"artifactLocation": _ARTIFACT_LOCATION, "region": _REGION}}}}
SARIF_SUBSET = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "$schema": {"type": "string"},
        "version": {"enum": ["2.1.0"]},
        "runs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["tool"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "version": {"type": "string"},
                                    "semanticVersion": {"type": "string"},
                                    "rules": {
                                        "type": "array",
                                        "uniqueItems": True,
                                        "items": {
                                            "type": "object",
                                            "required": ["id"],
                                            "properties": {
                                                "id": {"type": "string"},
                                                "shortDescription": _MSG,
                                                "fullDescription": _MSG,
                                                "help": _MSG,
                                                "defaultConfiguration": {"type": "object", "properties": {"level": {"enum": ["none", "note", "warning", "error"]}}},
                                                "properties": {"type": "object"},
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                    "artifacts": {"type": "array", "items": {"type": "object", "properties": {"location": _ARTIFACT_LOCATION, "length": {"type": "integer", "minimum": -1}}}},
                    "invocations": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["executionSuccessful"],
                            "properties": {
                                "executionSuccessful": {"type": "boolean"},
                                "toolExecutionNotifications": {
                                    "type": "array",
                                    "items": {"type": "object", "required": ["message"], "properties": {"message": _MSG, "level": {"enum": ["none", "note", "warning", "error"]}, "locations": {"type": "array", "items": _LOCATION}}},
                                },
                            },
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["message"],
                            "properties": {
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": -1},
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "message": _MSG,
                                "locations": {"type": "array", "items": _LOCATION},
                                "properties": {"type": "object"},
                            },
                        },
                    },
                },
            },
        },
    },
}


def expected_position(text: str, offset: int) -> tuple[int, int]:
    """Line and code-point column of an offset, computed independently of refernlp: normalise breaks, count."""
    prefix = text[:offset]
    flat = prefix.replace("\r\n", "\n").replace("\r", "\n")
    line_start = flat.rfind("\n") + 1
    return flat.count("\n") + 1, len(flat) - line_start + 1


def whole_span(text: str) -> tuple[int, int]:
    return len(text) - len(text.lstrip()), len(text.rstrip())


@pytest.fixture(scope="module")
def drafts(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("drafts")
    paths = []
    for name, text in (("emoji.txt", EMOJI), ("crlf.txt", CRLF), ("cr.txt", CR)):
        p = tmp / name
        p.write_bytes(text.encode("utf-8"))  # bytes: no newline translation
        paths.append(str(p))
    paths.append(str(DATA / "examples" / "targeted_demanding.txt"))
    return paths


@pytest.fixture(scope="module")
def outputs(drafts):
    runner = CliRunner()
    out = {}
    for fmt in ("json", "sarif", "line"):
        res = runner.invoke(main, ["critique", "--format", fmt, *drafts])
        assert res.exit_code == 0, res.output
        out[fmt] = res.stdout
    out["json"] = [json.loads(line) for line in out["json"].splitlines()]
    out["sarif"] = json.loads(out["sarif"])
    out["texts"] = {p: open(p, "rb").read().decode("utf-8") for p in drafts}
    return out


def test_drafts_have_span_findings_on_later_lines(outputs):
    for obj in outputs["json"]:
        text = outputs["texts"][obj["source"]]
        assert any(f["start"] is not None and expected_position(text, f["start"])[0] > 1 for f in obj["findings"]), obj["source"]


def test_sarif_structure(outputs):
    import jsonschema

    log = outputs["sarif"]
    jsonschema.validate(log, SARIF_SUBSET)
    assert len(log["runs"]) == 1  # one log, one run, for every input
    run = log["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["invocations"][0]["executionSuccessful"] is True
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    for r in rules:
        rule = RULES[r["id"]]
        assert r["shortDescription"]["text"] == rule.description
        assert r["fullDescription"]["text"] and r["help"]["text"]
        assert r["defaultConfiguration"]["level"] == LEVEL[rule.severity]


def test_sarif_results_agree_with_json_offsets(outputs):
    run = outputs["sarif"]["runs"][0]
    results = run["results"]
    findings = [(obj["source"], f) for obj in outputs["json"] for f in obj["findings"]]
    assert len(results) == len(findings) > 0
    for res, (source, f) in zip(results, findings):
        text = outputs["texts"][source]
        assert res["ruleId"] == f["id"]
        assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == f["id"]
        assert res["level"] == LEVEL[f["severity"]]
        assert res["message"]["text"].startswith(f["message"])
        loc = res["locations"][0]["physicalLocation"]
        assert run["artifacts"][loc["artifactLocation"]["index"]]["location"]["uri"] == loc["artifactLocation"]["uri"]
        assert loc["artifactLocation"]["uri"].endswith(source.rsplit("/", 1)[-1])
        start, end = (f["start"], f["end"]) if f["start"] is not None else whole_span(text)
        region = loc["region"]
        assert (region["charOffset"], region["charLength"]) == (start, end - start)
        assert (region["startLine"], region["startColumn"]) == expected_position(text, start)
        assert (region["endLine"], region["endColumn"]) == expected_position(text, end)
        assert res["properties"]["scope"] == ("span" if f["start"] is not None else "draft")


def test_sarif_columns_count_code_points_not_utf16(outputs):
    """On the emoji draft, a finding after the emoji sits where code points put it, not UTF-16 units."""
    run = outputs["sarif"]["runs"][0]
    text = EMOJI
    hits = 0
    for res in run["results"]:
        loc = res["locations"][0]["physicalLocation"]
        if not loc["artifactLocation"]["uri"].endswith("emoji.txt") or res["properties"]["scope"] != "span":
            continue
        region = loc["region"]
        lines = text.replace("\r\n", "\n").split("\n")
        line = lines[region["startLine"] - 1]
        before = line[: region["startColumn"] - 1]
        utf16 = len(before.encode("utf-16-le")) // 2 + 1
        if any(ord(c) > 0xFFFF for c in before):
            assert region["startColumn"] != utf16
            hits += 1
        assert line[region["startColumn"] - 1] == text[region["charOffset"]]  # the column indexes the line in code points
    assert hits, "no finding after an emoji: the draft no longer tests the column unit"


LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|info): (?P<msg>.+) \[(?P<id>[\w.]+)\]$")


def test_line_format_agrees_with_json(outputs):
    lines = outputs["line"].splitlines()
    findings = [(obj["source"], f) for obj in outputs["json"] for f in obj["findings"]]
    assert len(lines) == len(findings)
    for line, (source, f) in zip(lines, findings):
        m = LINE.match(line)
        assert m, line
        text = outputs["texts"][source]
        start = f["start"] if f["start"] is not None else whole_span(text)[0]
        assert m["path"] == source
        assert (int(m["line"]), int(m["col"])) == expected_position(text, start)
        assert (m["sev"], m["msg"], m["id"]) == (f["severity"], " ".join(f["message"].split()), f["id"])


def test_crlf_and_cr_lines(outputs):
    """A CRLF counts as one line break, and so does a lone CR: the demand on line 3 of the CRLF draft is there."""
    line = [x for x in outputs["line"].splitlines() if "crlf.txt" in x and "[politeness.demand]" in x]
    assert line and LINE.match(line[0])["line"] == "3"
    line = [x for x in outputs["line"].splitlines() if x.split(":")[0].endswith("cr.txt") and "[politeness.command]" in x]
    assert line and LINE.match(line[0])["line"] == "2"


def test_sarif_reports_unreadable_input_and_exits_2(tmp_path):
    good = tmp_path / "a.txt"
    good.write_text("Hi Jo, refer me for the analyst role at Acme ASAP.", encoding="utf-8")
    res = CliRunner().invoke(main, ["critique", "--format", "sarif", str(good), str(tmp_path / "missing.txt")])
    assert res.exit_code == 2
    assert len(res.stderr.strip().splitlines()) == 1 and res.stderr.startswith("refernlp: error:")
    log = json.loads(res.stdout)
    inv = log["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    assert "missing.txt" in inv["toolExecutionNotifications"][0]["message"]["text"]
    assert log["runs"][0]["results"]


def test_stdin_names(tmp_path):
    runner = CliRunner()
    draft = "Refer me for the analyst role at Acme ASAP."
    res = runner.invoke(main, ["critique", "--format", "line", "-"], input=draft)
    assert res.exit_code == 0 and res.stdout.startswith("<stdin>:1:")
    res = runner.invoke(main, ["critique", "--format", "sarif", "-"], input=draft)
    assert json.loads(res.stdout)["runs"][0]["artifacts"][0]["location"]["uri"] == "stdin"


def test_fail_on_with_machine_formats(drafts):
    res = CliRunner().invoke(main, ["critique", "--format", "line", "--fail-on", "warning", drafts[0]])
    assert res.exit_code == 1 and res.stdout.strip()
    res = CliRunner().invoke(main, ["critique", "--format", "sarif", drafts[0]])
    assert res.exit_code == 0  # findings alone never fail the run without --fail-on


def test_pre_commit_hook_entry_runs(tmp_path):
    """The hook in .pre-commit-hooks.yaml is a valid refernlp command line: it prints line format and fails on warnings."""
    import re as _re
    import shlex

    from helpers import ROOT

    yaml = pytest.importorskip("yaml")
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "refernlp")
    assert hook["language"] == "python" and _re.search(hook["files"], "drafts/sam.draft.txt")
    argv = shlex.split(hook["entry"])
    assert argv[0] == "refernlp"
    bad = tmp_path / "sam.draft.txt"
    bad.write_text("Refer me for the analyst role at Acme ASAP.", encoding="utf-8")
    res = CliRunner().invoke(main, [*argv[1:], str(bad)])
    assert res.exit_code == 1 and all(LINE.match(x) for x in res.stdout.splitlines())
