"""refernlp.batch.critique_corpus: both engines against the library's own critiques, error records, resume, Parquet."""

from __future__ import annotations

import csv
import json

import pytest
from helpers import BATCH_BAD_ROWS, batch_corpus, check_batch_output, same_json, write_jsonl

from refernlp.batch import critique_corpus, read_records, sources
from refernlp.errors import ConfigError, DataError, RefernlpError


@pytest.fixture(scope="module")
def rows():
    return batch_corpus()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, rows):
    return write_jsonl(tmp_path_factory.mktemp("batch") / "corpus.jsonl", rows)


@pytest.fixture(scope="module")
def local_output(tmp_path_factory, corpus):
    out = tmp_path_factory.mktemp("batch-out") / "out.jsonl"
    summary = critique_corpus(corpus, out, text_column="text", id_column="id", relationship_column="relationship", batch_size=16)
    return out, summary


def test_critique_corpus_local_equals_library(local_output, rows, critic):
    out, summary = local_output
    check_batch_output(read_records(out), rows, critic)
    assert summary.rows == summary.written == len(rows)
    assert summary.errors == len(BATCH_BAD_ROWS) and summary.critiqued == len(rows) - len(BATCH_BAD_ROWS)
    assert summary.to_dict()["rows_per_second"] > 0


def test_critique_corpus_two_workers_same_output(tmp_path, corpus, local_output):
    out = tmp_path / "out.jsonl"
    critique_corpus(corpus, out, text_column="text", id_column="id", relationship_column="relationship", workers=2, batch_size=16)
    assert out.read_bytes() == local_output[0].read_bytes()


def test_critique_corpus_error_records_name_code_and_row(local_output):
    records = {r["id"]: r for r in read_records(local_output[0])}
    for row, code in BATCH_BAD_ROWS:
        err = records[row["id"]]["error"]
        assert err["code"] == code and err["message"]
    assert "over the limit" in records["bad-long"]["error"]["message"]


def test_critique_corpus_unreadable_rows_keep_their_row_number(tmp_path, critic):
    text = "Hi Sam, could you refer me for the analyst role at Acme? Thanks!"
    inp = tmp_path / "in.jsonl"
    inp.write_text(json.dumps({"id": "a", "text": text}) + "\n{not json\n[1, 2]\n" + json.dumps({"text": text}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    critique_corpus(inp, out, text_column="text", id_column="id")
    recs = read_records(out)
    assert [r["id"] for r in recs] == ["a", None, None, None]
    assert [r.get("row") for r in recs] == [None, 1, 2, 3]
    assert [r["error"]["code"] for r in recs[1:]] == ["bad_row", "bad_row", "bad_id"]
    # resuming a complete output re-does nothing, including the rows without ids
    summary = critique_corpus(inp, out, text_column="text", id_column="id", resume=True)
    assert summary.written == 0 and summary.skipped == 4 and read_records(out) == recs


def test_critique_corpus_csv_without_id_column_uses_row_numbers(tmp_path, critic):
    texts = ["Hi Ana, would you refer me for the UX Designer role at Figma? Thanks!", "", "Hey, hope you're well! Coffee soon?"]
    inp = tmp_path / "in.csv"
    with inp.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["message", "tie"])
        w.writerows([[texts[0], "weak"], [texts[1], ""], [texts[2], ""]])
    out = tmp_path / "out.jsonl"
    critique_corpus(inp, out, text_column="message", relationship_column="tie")
    recs = read_records(out)
    assert [r["id"] for r in recs] == [0, 1, 2]
    assert same_json(recs[0]["critique"], critic.critique(texts[0], relationship="weak").to_dict())
    assert recs[1]["error"]["code"] == "empty"
    assert same_json(recs[2]["critique"], critic.critique(texts[2]).to_dict())


def test_critique_corpus_resume_drops_partial_line_and_completes(tmp_path, corpus, rows, local_output, critic):
    full = local_output[0].read_bytes().splitlines(keepends=True)
    out = tmp_path / "out.jsonl"
    # what a kill mid-write leaves: complete records, then half of the next one
    out.write_bytes(b"".join(full[:57]) + full[57][: len(full[57]) // 2])
    summary = critique_corpus(corpus, out, text_column="text", id_column="id", relationship_column="relationship", resume=True, batch_size=16)
    assert summary.skipped == 57 and summary.written == len(rows) - 57
    check_batch_output(read_records(out), rows, critic)
    assert out.read_bytes() == local_output[0].read_bytes()


def test_critique_corpus_refuses_existing_output_unless_resume_or_force(tmp_path, corpus):
    out = tmp_path / "out.jsonl"
    out.write_text("precious\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="--resume"):
        critique_corpus(corpus, out, text_column="text", id_column="id")
    assert out.read_text(encoding="utf-8") == "precious\n"
    with pytest.raises(DataError, match="not a batch output record"):
        critique_corpus(corpus, out, text_column="text", id_column="id", resume=True)
    assert out.read_text(encoding="utf-8") == "precious\n"


def test_critique_corpus_force_overwrites(tmp_path):
    inp = write_jsonl(tmp_path / "in.jsonl", [{"id": 1, "text": ""}])
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    critique_corpus(inp, out, text_column="text", id_column="id", force=True)
    assert read_records(out) == [{"id": 1, "error": {"code": "empty", "message": "row 0: draft is empty"}}]


@pytest.mark.parametrize(
    "rows, kwargs, match",
    [
        ([{"id": 1, "text": "hi there"}, {"id": 1, "text": "hello"}], {"id_column": "id"}, "duplicate id 1"),
        ([{"id": 1, "body": "hi there"}], {}, "no column 'text'"),
        ([{"id": 1, "text": "hi there"}], {"id_column": "msg"}, "pass --id-column"),
        ([{"id": 1, "text": "hi there"}], {"engine": "spark"}, "unknown engine"),
        ([{"id": 1, "text": "hi there"}], {"input_format": "xml"}, "unknown input format"),
        ([{"id": 1, "text": "hi there"}], {"models_dir": "/nonexistent/models"}, "does not exist"),
    ],
)
def test_critique_corpus_bad_invocations_raise_before_any_output(tmp_path, rows, kwargs, match):
    inp = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    with pytest.raises(RefernlpError, match=match):
        critique_corpus(inp, out, **{"text_column": "text", **kwargs})
    assert not out.exists()


def test_critique_corpus_parquet_round_trip(tmp_path, rows, local_output, critic):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    # text as a string column: the one non-string text row becomes a missing text there
    good = [r for r in rows if isinstance(r["text"], str) or r["text"] is None]
    table = pa.table({"id": [r["id"] for r in good], "text": [r["text"] for r in good], "relationship": [r.get("relationship") for r in good]})
    inp = tmp_path / "in.parquet"
    pq.write_table(table, inp, row_group_size=100)  # several row groups: several chunks
    out_parquet, out_jsonl = tmp_path / "out.parquet", tmp_path / "out.jsonl"
    for out in (out_parquet, out_jsonl):
        critique_corpus(inp, out, text_column="text", id_column="id", relationship_column="relationship", batch_size=32)
    assert not (tmp_path / "out.parquet.partial.jsonl").exists()
    from_parquet, from_jsonl = read_records(out_parquet), read_records(out_jsonl)
    assert from_parquet == from_jsonl
    # and the same records as from the JSON Lines input, row for row
    expected = {r["id"]: r for r in read_records(local_output[0])}
    assert all(same_json(r, expected[r["id"]]) for r in from_parquet if "critique" in r)
    assert pq.read_table(out_parquet).column_names == ["id", "row", "critique", "error"]


def test_critique_corpus_parquet_output_resumes_from_its_journal(tmp_path, corpus, rows, local_output):
    pytest.importorskip("pyarrow")
    out = tmp_path / "out.parquet"
    journal = tmp_path / "out.parquet.partial.jsonl"
    full = local_output[0].read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(full[:100]) + full[100][:10])  # a run killed before it wrote the Parquet file
    with pytest.raises(ConfigError, match="partial.jsonl exists"):
        critique_corpus(corpus, out, text_column="text", id_column="id", relationship_column="relationship")
    summary = critique_corpus(corpus, out, text_column="text", id_column="id", relationship_column="relationship", resume=True)
    assert summary.skipped == 100 and not journal.exists()
    assert read_records(out) == read_records(local_output[0])


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_source_chunks_read_the_same_rows_as_one_pass(tmp_path, monkeypatch, fmt):
    monkeypatch.setattr(sources, "CHUNK_ROWS", 7)
    texts = [f"Hi,\nline two of draft {i}, with a \"quote\"" if i % 3 else f"draft {i}" for i in range(30)]
    path = tmp_path / f"in.{fmt}"
    if fmt == "jsonl":
        write_jsonl(path, [{"t": t} for t in texts])
        path.write_bytes(path.read_bytes().replace(b"\n{", b"\n\n{", 3))  # blank lines are not rows
    else:
        with path.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([["t"]] + [[t] for t in texts])  # quoted newlines inside fields
    source = sources.Source(path, text_column="t")
    scan = source.scan()
    assert [c.start for c in scan.chunks] == [0, 7, 14, 21, 28] and sum(c.count for c in scan.chunks) == 30
    chunked = [row for c in scan.chunks for row in source.rows(c)]
    assert chunked == list(source.rows()) and [r.text for r in chunked] == texts and [r.id for r in chunked] == list(range(30))


# --- the Ray engine, on one local Ray for the whole module ----------------------------------


@pytest.fixture(scope="module")
def ray_session():
    ray = pytest.importorskip("ray")
    pytest.importorskip("ray.data")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="WARNING")
    yield ray
    ray.shutdown()


def test_critique_corpus_ray_equals_local(ray_session, tmp_path, corpus, local_output):
    out = tmp_path / "out.jsonl"
    summary = critique_corpus(corpus, out, text_column="text", id_column="id", relationship_column="relationship",
                              engine="ray", workers=2, batch_size=16)
    assert summary.engine == "ray" and summary.workers == 2 and summary.errors == len(BATCH_BAD_ROWS)
    assert out.read_bytes() == local_output[0].read_bytes()
    assert ray_session.is_initialized()  # a Ray the caller started is left running


def test_critique_corpus_ray_resume_and_parquet(ray_session, tmp_path, corpus, rows, local_output, monkeypatch):
    pytest.importorskip("pyarrow")
    monkeypatch.setattr(sources, "CHUNK_ROWS", 64)
    full = local_output[0].read_bytes().splitlines(keepends=True)
    out = tmp_path / "out.parquet"
    # skipped rows fall inside several chunks and at their edges
    (tmp_path / "out.parquet.partial.jsonl").write_bytes(b"".join(full[:150]) + full[150][:5])
    summary = critique_corpus(corpus, out, text_column="text", id_column="id", relationship_column="relationship",
                              engine="ray", workers=1, batch_size=32, resume=True)
    assert summary.skipped == 150 and summary.written == len(rows) - 150
    assert read_records(out) == read_records(local_output[0])
