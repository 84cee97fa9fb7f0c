"""Training data errors name the line (or byte); a failed training run leaves nothing behind.

* ``load_examples`` turns every malformed JSON Lines row into a
  :class:`~refernlp.errors.DataError` naming the file and line number, and an
  undecodable file into one naming the byte offset.
* ``train_tasks`` writes its output directory atomically: an exception or a
  Ctrl-C half-way leaves no output directory and no temporary directory, and an
  existing directory is never replaced without ``force`` (nor lost when
  replacing it fails).
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from refernlp.cli import main
from refernlp.data import load_examples
from refernlp.errors import DataError, ExitCode

pytest.importorskip("sklearn")
pytest.importorskip("datasets")

from refernlp.training import AtomicDir, TrainingConfig, train_tasks
from refernlp.training import output as training_output
from refernlp.training import run as training_run

ROOT = Path(__file__).resolve().parents[2]
SMALL = TrainingConfig.from_dict({"features": {"n_bits": 12}})
GOOD = {"text": "Hi Sam, could you refer me for the Data Analyst role at Acme?", "type": "targeted", "politeness": "polite"}
G = json.dumps(GOOD)


@pytest.fixture(scope="module")
def small_rows() -> list[dict]:
    path = ROOT / "data" / "train.jsonl"
    if not path.is_file():
        pytest.skip("data/train.jsonl is not available")
    return [json.loads(line) for line in path.open(encoding="utf-8")][:200]


@pytest.fixture(scope="module")
def small_jsonl(small_rows, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / "small.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in small_rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small_examples(small_jsonl):
    return load_examples(small_jsonl)


def _leftovers(parent: Path, name: str) -> list[str]:
    """Anything in ``parent`` that a run writing ``parent/name`` may have left behind."""
    return sorted(p.name for p in parent.iterdir() if p.name == name or p.name.startswith(f".{name}."))


# --- malformed rows -----------------------------------------------------------------
#: (id, file content, regex the DataError must match)
BAD_JSONL: list[tuple[str, bytes, str]] = [
    ("bad_json_line_3", f"{G}\n{G}\n{{\"text\": oops}}\n{G}\n".encode(), r"bad_json_line_3\.jsonl:3: malformed JSON \(Expecting value at column 10\)"),
    ("after_blank_lines", f"{G}\n\n\n{G}\n{{\"text\": \"a\",}}\n".encode(), r":5: malformed JSON"),
    ("truncated_last_line", f"{G}\n{G}\n{{\"text\": \"Could you".encode(), r":3: malformed JSON \(Unterminated string starting at column 10\)"),
    ("trailing_garbage", f"{G}\n{G} x\n".encode(), r":2: malformed JSON \(Extra data"),
    ("array_row", f"{G}\n[1, 2]\n".encode(), r":2: each line must be a JSON object"),
    ("string_row", f"{G}\n{G}\n\"just text\"\n".encode(), r":3: each line must be a JSON object"),
    ("null_row", f"{G}\nnull\n".encode(), r":2: each line must be a JSON object"),
    ("duplicate_key", f"{G}\n{{\"text\": \"a\", \"text\": \"b\"}}\n".encode(), r":2: malformed JSON \(duplicate key 'text'\)"),
    ("nan", f"{G}\n{{\"text\": \"a\", \"politeness\": NaN}}\n".encode(), r":2: malformed JSON \(NaN is not valid JSON"),
    ("nul_byte", f"{G}\n".encode() + b'{"text": "a\x00b"}\n', r":2: malformed JSON \(Invalid control character"),
    ("lone_cr_in_string", f"{G}\n".encode() + b'{"text": "a\rb"}\n', r":2: malformed JSON \(Invalid control character"),
    ("deeply_nested", f"{G}\n".encode() + b"[" * 100_000 + b"]" * 100_000 + b"\n", r":2: malformed JSON \(nested too deeply\)"),
    ("crlf_then_bad", f"{G}\r\n{G}\r\n{{bad}}\r\n".encode(), r":3: malformed JSON"),
    ("u2028_does_not_shift_lines", f"{G}\n".encode() + '{"text": "a\u2028b", "type": "none"}\n{oops}\n'.encode(), r":3: malformed JSON"),
    ("empty_text_on_line_4", f"{G}\n\n{G}\n{{\"text\": \"  \", \"type\": \"none\"}}\n".encode(), r": line 4 has an empty or non-text 'text'"),
    ("number_text_on_line_2", f"{G}\n{{\"text\": 42, \"type\": \"none\"}}\n".encode(), r": line 2 has an empty or non-text 'text'"),
    ("empty_file", b"", r"no rows"),
    ("only_blank_lines", b"\n \n\t\n", r"no rows"),
    ("invalid_utf8", f"{G}\n".encode() + b'{"text": "caf\xe9"}\n', "not valid UTF-8 at byte offset " + str(len(G) + 1 + len(b'{"text": "caf'))),
]


@pytest.mark.parametrize("name,content,pattern", BAD_JSONL, ids=[b[0] for b in BAD_JSONL])
def test_load_examples_names_the_line(tmp_path, name, content, pattern):
    path = tmp_path / f"{name}.jsonl"
    path.write_bytes(content)
    with pytest.raises(DataError, match=pattern) as info:
        load_examples(path)
    assert "\n" not in str(info.value)


def test_byte_order_mark_and_crlf_are_fine(tmp_path):
    path = tmp_path / "windows.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + f"{G}\r\n{G}\r\n".encode())
    ex = load_examples(path)
    assert [e.text for e in ex] == [GOOD["text"]] * 2


BAD_CSV: list[tuple[str, bytes, str]] = [
    ("invalid_utf8", b"text,politeness\nhello there,polite\nab\xffcd,polite\n", r"not valid UTF-8 at byte offset 37"),
    ("empty", b"", r"no rows"),
    ("header_only", b"text,politeness\n", r"no rows"),
    ("unbalanced_quote", b'text,politeness\n"hello,polite\nbye,polite\n', r"cannot read as csv \(.*EOF inside string"),
    ("wrong_columns", b"body,tone\nhello,polite\n", r"expected a text column 'text', found \['body', 'tone'\]; pass --text-column"),
]


@pytest.mark.parametrize("name,content,pattern", BAD_CSV, ids=[b[0] for b in BAD_CSV])
def test_load_examples_csv_errors(tmp_path, name, content, pattern):
    path = tmp_path / f"{name}.csv"
    path.write_bytes(content)
    with pytest.raises(DataError, match=pattern) as info:
        load_examples(path, task="politeness")
    assert "\n" not in str(info.value)


def test_unusable_data_paths(tmp_path):
    cases = {"missing": (tmp_path / "nope.jsonl", "no such file")}
    d = tmp_path / "folder.jsonl"
    d.mkdir()
    cases["folder_as_json"] = (d, "not a regular file")
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.jsonl"
        os.mkfifo(fifo)
        cases["fifo"] = (fifo, "not a regular file")  # would block forever if opened
    if os.path.exists("/dev/zero"):
        cases["dev_zero"] = (Path("/dev/zero"), "not a regular file")
    weird = tmp_path / "data.txt"
    weird.write_text(G, encoding="utf-8")
    cases["unknown_suffix"] = (weird, "unknown file type '.txt'")
    for name, (path, fragment) in cases.items():
        fmt = "json" if name in {"folder_as_json", "dev_zero"} else "auto"
        with pytest.raises(DataError, match=fragment):
            load_examples(path, data_format=fmt)


def test_cli_train_reports_the_line_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(f"{G}\n{G}\n{{\"text\": oops}}\n".encode())
    out = tmp_path / "model"
    result = CliRunner().invoke(main, ["train", "request-type", "--data", str(bad), "--out", str(out)])
    assert result.exit_code == ExitCode.USAGE, result.output
    err = result.stderr.strip()
    assert err.count("\n") == 0 and "bad.jsonl:3: malformed JSON" in err, err
    assert _leftovers(tmp_path, "model") == []


# --- atomic output --------------------------------------------------------------------
class Interrupted(RuntimeError):
    pass


def _fail_on_second(monkeypatch, exc: BaseException) -> list[str]:
    """Let the first task train and be written, then fail while training the second."""
    calls: list[str] = []
    real = training_run.train_classifier

    def flaky(task, *args, **kwargs):
        calls.append(task)
        if len(calls) == 2:
            raise exc
        return real(task, *args, **kwargs)

    monkeypatch.setattr(training_run, "train_classifier", flaky)
    return calls


@pytest.mark.parametrize("exc", [Interrupted("boom"), KeyboardInterrupt(), MemoryError()], ids=["exception", "ctrl_c", "memory_error"])
def test_failed_training_leaves_no_output_directory(small_examples, tmp_path, monkeypatch, exc):
    calls = _fail_on_second(monkeypatch, exc)
    out = tmp_path / "model"
    with pytest.raises(type(exc)):
        train_tasks(["request_type", "politeness"], small_examples, [], out, config=SMALL, plot=False)
    assert calls == ["request_type", "politeness"], "the fault must strike after the first model was written"
    assert _leftovers(tmp_path, "model") == []


def test_failed_forced_retraining_keeps_the_old_model(small_examples, tmp_path, monkeypatch):
    out = tmp_path / "model"
    out.mkdir()
    (out / "keep.txt").write_text("the user's previous model", encoding="utf-8")
    _fail_on_second(monkeypatch, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        train_tasks(["request_type", "politeness"], small_examples, [], out, config=SMALL, plot=False, force=True)
    assert _leftovers(tmp_path, "model") == ["model"]
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert (out / "keep.txt").read_text(encoding="utf-8") == "the user's previous model"


def test_atomic_dir_swap_failure_keeps_the_old_directory(tmp_path, monkeypatch):
    """If moving the new directory into place fails, the old one is put back."""
    out = tmp_path / "model"
    out.mkdir()
    (out / "keep.txt").write_text("old", encoding="utf-8")
    real_replace = os.replace

    def failing_replace(src, dst):
        if Path(src).name.startswith(".model.tmp-"):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(training_output.os, "replace", failing_replace)
    with pytest.raises((OSError, DataError)), AtomicDir(out, force=True) as tmp:
        (tmp / "new.txt").write_text("new", encoding="utf-8")
    monkeypatch.undo()
    assert (out / "keep.txt").read_text(encoding="utf-8") == "old"
    assert _leftovers(tmp_path, "model") == ["model"]


def test_atomic_dir_success_replaces_only_with_force(tmp_path):
    out = tmp_path / "model"
    with AtomicDir(out, force=False) as tmp:
        (tmp / "a.txt").write_text("1", encoding="utf-8")
    assert [p.name for p in out.iterdir()] == ["a.txt"]
    with pytest.raises(DataError, match="already exists; pass --force"), AtomicDir(out, force=False):
        pass
    with AtomicDir(out, force=True) as tmp:
        (tmp / "b.txt").write_text("2", encoding="utf-8")
    assert [p.name for p in out.iterdir()] == ["b.txt"]
    assert _leftovers(tmp_path, "model") == ["model"]


# --- the train command ----------------------------------------------------------------
def _config(tmp_path: Path) -> Path:
    cfg = tmp_path / "small.json"
    cfg.write_text(json.dumps({"features": {"n_bits": 12}}), encoding="utf-8")
    return cfg


@pytest.mark.parametrize("existing", ["directory", "file"])
def test_cli_train_refuses_to_overwrite_without_force(small_jsonl, tmp_path, existing):
    out = tmp_path / "model"
    if existing == "directory":
        out.mkdir()
        (out / "keep.txt").write_text("mine", encoding="utf-8")
    else:
        out.write_text("not a model", encoding="utf-8")
    before = sorted(p.name for p in out.iterdir()) if out.is_dir() else out.read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["train", "request-type", "--data", str(small_jsonl), "--out", str(out), "--config", str(_config(tmp_path))])
    assert result.exit_code == ExitCode.USAGE, result.output
    err = result.stderr.strip()
    assert err.count("\n") == 0 and "already exists" in err and "--force" in err, err
    after = sorted(p.name for p in out.iterdir()) if out.is_dir() else out.read_text(encoding="utf-8")
    assert before == after
    assert _leftovers(tmp_path, "model") == ["model"]
    if existing == "file":  # --force does not turn a file into a directory either
        result = CliRunner().invoke(main, ["train", "request-type", "--data", str(small_jsonl), "--out", str(out), "--config", str(_config(tmp_path)), "--force"])
        assert result.exit_code == ExitCode.USAGE and "not a directory" in result.stderr
        assert out.read_text(encoding="utf-8") == "not a model"


def test_cli_train_interrupted_leaves_nothing(small_jsonl, tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(training_run, "train_classifier", interrupted)
    out = tmp_path / "model"
    result = CliRunner().invoke(main, ["train", "request-type", "--data", str(small_jsonl), "--out", str(out), "--config", str(_config(tmp_path))])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert _leftovers(tmp_path, "model") == []


def test_cli_train_bad_label_names_rows(tmp_path):
    path = tmp_path / "labels.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "politeness"])
        w.writerows([["could you refer me?", "polite"]] * 6 + [["send it now", "rude"]])
    out = tmp_path / "model"
    result = CliRunner().invoke(main, ["train", "politeness", "--data", str(path), "--out", str(out)])
    assert result.exit_code == ExitCode.USAGE
    assert "'rude'" in result.stderr and result.stderr.strip().count("\n") == 0
    assert _leftovers(tmp_path, "model") == []
