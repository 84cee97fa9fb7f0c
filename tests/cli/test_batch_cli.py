"""refernlp batch at the command line: a real kill and resume, progress and summary, bad invocations."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from helpers import ROOT, batch_corpus, check_batch_output, write_jsonl

from refernlp.batch import read_records
from refernlp.batch.progress import Progress
from refernlp.cli import main

CLI = [sys.executable, "-c", "from refernlp.cli import main; main()", "batch"]


def test_batch_cli_kill_and_resume_loses_and_repeats_nothing(tmp_path, critic):
    rows = batch_corpus()
    inp = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    args = [str(inp), "--out", str(out), "--text-column", "text", "--id-column", "id", "--relationship-column", "relationship", "--batch-size", "2"]
    proc = subprocess.Popen(CLI + args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if out.exists() and out.read_bytes().count(b"\n") >= 30:
                break
            time.sleep(0.005)
    finally:
        proc.send_signal(signal.SIGKILL)  # no chance to clean up: what a crash or an OOM kill does
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()[-2000:]
    written = out.read_bytes().count(b"\n")
    assert 30 <= written < len(rows), "the run was not killed mid-way; nothing was tested"

    resumed = subprocess.run(CLI + args + ["--resume"], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f"{written:,} already done" in resumed.stderr
    check_batch_output(read_records(out), rows, critic)  # every row once, in order, equal to the library


def test_batch_cli_plain_progress_and_summary_when_not_a_terminal(tmp_path):
    inp = write_jsonl(tmp_path / "in.jsonl", [{"text": "Hi Sam, could you refer me for the analyst role at Acme?"}, {"text": ""}])
    result = CliRunner().invoke(main, ["batch", str(inp), "--out", str(tmp_path / "o.jsonl"), "--text-column", "text"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("refernlp batch: ") and "rows/s" in lines[0] and "ETA" in lines[0]
    assert "\r" not in result.stderr
    assert "2 rows written (1 critiqued, 1 errors) of 2 in" in lines[-1] and "engine local, 1 worker" in lines[-1]
    assert result.stdout == ""


def test_batch_progress_redraws_a_bar_on_a_terminal():
    stream = io.StringIO()
    bar = Progress(100, stream=stream, tty=True)
    bar.update(40)
    time.sleep(0.12)
    bar.update(10)
    bar.close()
    shown = stream.getvalue()
    assert shown.count("\r") == 3 and "\n" not in shown
    assert "50/100 [############............]  50%" in shown and "rows/s" in shown and "ETA" in shown


def test_batch_cli_quiet_prints_nothing(tmp_path):
    inp = write_jsonl(tmp_path / "in.jsonl", [{"text": "Hi Sam, could you refer me for the analyst role at Acme?"}])
    result = CliRunner().invoke(main, ["batch", str(inp), "-o", str(tmp_path / "o.jsonl"), "--text-column", "text", "-q"])
    assert result.exit_code == 0 and result.output == ""


def _bad_invocations(tmp_path):
    good = write_jsonl(tmp_path / "in.jsonl", [{"id": 1, "text": "Hi Sam, could you refer me?"}])
    dup = write_jsonl(tmp_path / "dup.jsonl", [{"id": 1, "text": "Hi there"}, {"id": 1, "text": "Hello"}])
    (tmp_path / "bin.parquet").write_bytes(b"\x00\x01 not parquet")
    (tmp_path / "existing.jsonl").write_text("keep me\n", encoding="utf-8")
    out = str(tmp_path / "out.jsonl")
    return {
        "missing column": ([str(good), "--out", out, "--text-column", "body"], "no column 'body'"),
        "missing id column": ([str(good), "--out", out, "--text-column", "text", "--id-column", "msg"], "pass --id-column"),
        "no such input": ([str(tmp_path / "nope.csv"), "--out", out, "--text-column", "text"], "no such file"),
        "unreadable parquet": ([str(tmp_path / "bin.parquet"), "--out", out, "--text-column", "text"], "not a readable Parquet file"),
        "unknown input format": ([str(tmp_path / "in.txt"), "--out", out, "--text-column", "text"], "cannot tell the input format"),
        "unknown output format": ([str(good), "--out", str(tmp_path / "o.xlsx"), "--text-column", "text"], "cannot tell the output format"),
        "duplicate ids": ([str(dup), "--out", out, "--text-column", "text", "--id-column", "id"], "duplicate id 1"),
        "existing output": ([str(good), "--out", str(tmp_path / "existing.jsonl"), "--text-column", "text"], "pass --resume"),
        "resume and force": ([str(good), "--out", out, "--text-column", "text", "--resume", "--force"], "contradict"),
        "bad model dir": ([str(good), "--out", out, "--text-column", "text", "--models", str(tmp_path / "nomodels")], "does not exist"),
        "output is input": ([str(good), "--out", str(good), "--text-column", "text", "--force"], "overwrite the input"),
    }


@pytest.mark.parametrize("case", ["missing column", "missing id column", "no such input", "unreadable parquet", "unknown input format",
                                  "unknown output format", "duplicate ids", "existing output", "resume and force", "bad model dir",
                                  "output is input"])
def test_batch_cli_bad_invocation_exits_2_with_one_line_before_any_work(tmp_path, case):
    pytest.importorskip("pyarrow")
    (tmp_path / "in.txt").write_text("x", encoding="utf-8")
    args, message = _bad_invocations(tmp_path)[case]
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    result = CliRunner().invoke(main, ["batch", *args])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("refernlp: error: ") and message in lines[0], result.stderr
    assert "Traceback" not in result.output
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # nothing written, nothing overwritten


def test_batch_cli_ray_engine_without_ray_names_the_extra(tmp_path, monkeypatch):
    inp = write_jsonl(tmp_path / "in.jsonl", [{"text": "Hi Sam, could you refer me?"}])
    monkeypatch.setitem(sys.modules, "ray", None)  # as if refernlp[ray] were not installed
    result = CliRunner().invoke(main, ["batch", str(inp), "--out", str(tmp_path / "o.jsonl"), "--text-column", "text", "--engine", "ray"])
    assert result.exit_code == 2
    assert result.stderr.strip() == 'refernlp: error: the ray engine needs Ray Data: pip install "refernlp[ray]"'
    assert not (tmp_path / "o.jsonl").exists()


def test_batch_cli_parquet_without_pyarrow_names_the_extra(tmp_path, monkeypatch):
    inp = write_jsonl(tmp_path / "in.jsonl", [{"text": "Hi Sam, could you refer me?"}])
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    result = CliRunner().invoke(main, ["batch", str(inp), "--out", str(tmp_path / "o.parquet"), "--text-column", "text"])
    assert result.exit_code == 2
    assert result.stderr.strip() == 'refernlp: error: Parquet needs pyarrow: pip install "refernlp[parquet]"'


def test_batch_cli_help_documents_the_record_format():
    result = CliRunner().invoke(main, ["batch", "--help"])
    assert result.exit_code == 0
    for word in ("--resume", "--force", "--engine", "--workers", "--text-column", '"error"', "RAY_ADDRESS"):
        assert word in result.output


def test_batch_import_is_light():
    probe = "import sys, refernlp.batch, refernlp.cli.batch; print([m for m in ('ray', 'pyarrow', 'pandas') if m in sys.modules])"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "[]"
