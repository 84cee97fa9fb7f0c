"""One Critic shared by many threads gives exactly the sequential answers; output is deterministic.

* 8 threads x 500 critiques (20 distinct drafts from ``data/test.jsonl``,
  cycled, with and without a given relationship) on one shared ``Critic``
  produce byte-identical JSON to a sequential run. The whole test takes about
  20 s on an idle two-core machine (under 60 s with the machine loaded), so the
  full size is kept.
* Meanwhile two threads churn the feature caches with never-seen text (about
  a dozen cache resets), so that resets race with lookups.
* The same input gives byte-identical JSON across runs, across Critic
  instances, and across processes with different ``PYTHONHASHSEED`` values.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from refernlp import Critic
from refernlp.critic import default_critic

ROOT = Path(__file__).resolve().parents[2]
N_THREADS = 8
PER_THREAD = 500
N_DRAFTS = 20
RELATIONSHIPS = (None, "weak")

AWKWARD = [
    "<p>Hi Sam,</p><p>Could you <b>refer</b> me for the Data Analyst role at Acme?&nbsp;Thanks!</p>",
    "Hi Sam,\r\n\r\nCould you refer me for the Data Analyst role at Acme (job ID R-12345)?\r\nThanks,\r\nAlex\r\n",
    "Thanks! Could you refer me?\n\nOn Mon, 3 Jun 2024, Sam wrote:\n> Send me your resume NOW!!\n",
    "Hola María, ¿podrías recomendarme para el puesto de analista de datos en Acme? Muchas gracias.",
    "مرحبا سامي، هل يمكنك أن توصي بي لوظيفة محلل بيانات في شركة أكمي؟ شكرا",
    "Hi 王伟, could you refer me for the Data Analyst role at Acme? Спасибо! 🙏\u200b",
    "🙏😀🎉",
]


def _drafts() -> list[str]:
    path = ROOT / "data" / "test.jsonl"
    if not path.is_file():
        pytest.skip("data/test.jsonl is not available")
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    # a spread of lengths and kinds, not just the first rows
    rows.sort(key=lambda r: (r.get("type", ""), len(r["text"])))
    step = max(1, len(rows) // N_DRAFTS)
    return [r["text"] for r in rows[::step]][:N_DRAFTS]


def _json(critique) -> str:
    return json.dumps(critique.to_dict(), ensure_ascii=False, sort_keys=False)


@pytest.fixture(scope="module")
def drafts() -> list[str]:
    return _drafts()


@pytest.fixture(scope="module")
def shared_critic() -> Critic:
    return Critic.load()


@pytest.fixture(scope="module")
def expected(shared_critic, drafts) -> dict[tuple[int, str | None], str]:
    return {(i, rel): _json(shared_critic.critique(t, relationship=rel)) for i, t in enumerate(drafts) for rel in RELATIONSHIPS}


def _churn_text(rng: random.Random) -> str:
    """A never-seen draft: fresh words mean fresh n-grams, filling and resetting the feature caches."""
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyzéßø") for _ in range(rng.randint(3, 12))) for _ in range(200)]
    return "Hi Sam, could you refer me? " + " ".join(words) + ". Thanks!"


def test_shared_critic_is_thread_safe(shared_critic, drafts, expected):
    barrier = threading.Barrier(N_THREADS + 2)
    stop = threading.Event()

    def worker(k: int) -> list[tuple[int, str | None, str]]:
        barrier.wait()
        out = []
        for j in range(PER_THREAD):
            i = (k * 7 + j) % len(drafts)  # threads start at different drafts
            rel = RELATIONSHIPS[(k + j) % len(RELATIONSHIPS)]
            if j % 50 == 49:  # the batch API shares the same pipeline
                for c in shared_critic.critique_many([drafts[i]], relationship=rel):
                    out.append((i, rel, _json(c)))
            else:
                out.append((i, rel, _json(shared_critic.critique(drafts[i], relationship=rel))))
        return out

    def churn(seed: int) -> int:
        rng = random.Random(seed)
        barrier.wait()
        n = 0
        while not stop.is_set() and n < 100:  # ~200k fresh n-grams: several cache resets
            shared_critic.critique(_churn_text(rng))
            n += 1
        return n

    with ThreadPoolExecutor(max_workers=N_THREADS + 2) as pool:
        churners = [pool.submit(churn, s) for s in (1, 2)]
        futures = [pool.submit(worker, k) for k in range(N_THREADS)]
        results = [f.result(timeout=600) for f in futures]
        stop.set()
        churned = sum(f.result(timeout=600) for f in churners)

    total = 0
    mismatches = []
    for out in results:
        assert len(out) == PER_THREAD
        for i, rel, got in out:
            total += 1
            if got != expected[(i, rel)]:
                mismatches.append((i, rel))
    assert total == N_THREADS * PER_THREAD
    assert not mismatches, f"{len(mismatches)} of {total} concurrent results differ from the sequential ones, e.g. {mismatches[:3]}"
    assert churned > 0


def test_default_critic_is_loaded_once_under_concurrency():
    with ThreadPoolExecutor(max_workers=8) as pool:
        critics = list(pool.map(lambda _: default_critic(), range(8)))
    assert all(c is critics[0] for c in critics)


def test_separate_critics_in_threads_agree(drafts, expected):
    def run(_: int) -> list[str]:
        c = Critic.load()
        return [_json(c.critique(t)) for t in drafts]

    with ThreadPoolExecutor(max_workers=3) as pool:
        outs = list(pool.map(run, range(3)))
    want = [expected[(i, None)] for i in range(len(drafts))]
    assert all(o == want for o in outs)


# --- determinism ----------------------------------------------------------------------
def test_same_input_same_bytes_across_runs_and_instances(shared_critic, drafts):
    texts = drafts + AWKWARD
    first = [_json(shared_critic.critique(t)) for t in texts]
    again = [_json(shared_critic.critique(t)) for t in reversed(texts)][::-1]
    other = Critic.load()
    fresh = [_json(other.critique(t)) for t in texts]
    batch = [_json(c) for c in other.critique_many(texts)]
    assert first == again == fresh == batch


def _cli_command() -> list[str]:
    script = Path(sys.executable).with_name("refernlp")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    found = shutil.which("refernlp")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from refernlp.cli import main; sys.exit(main())"]


def _run(cmd: list[str], seed: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONHASHSEED=seed, NO_COLOR="1")
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, timeout=300, check=False)


LIBRARY_SCRIPT = """
import json, sys
from refernlp import Critic
critic = Critic.load()
texts = json.load(open(sys.argv[1], encoding="utf-8"))
for t in texts:
    for rel in (None, "strong", "second_degree"):
        sys.stdout.write(json.dumps(critic.critique(t, relationship=rel).to_dict(), ensure_ascii=False) + "\\n")
try:
    import refernlp.rewrite  # noqa: F401
except ImportError:
    pass
else:
    for t in texts[:8]:
        sys.stdout.write(json.dumps([r.to_dict() for r in critic.rewrite(t)], ensure_ascii=False) + "\\n")
"""


def test_output_is_identical_across_processes_and_hash_seeds(tmp_path, shared_critic, drafts):
    texts = drafts + AWKWARD
    files = []
    for i, t in enumerate(texts):
        p = tmp_path / f"draft{i:02d}.txt"
        p.write_bytes(t.encode("utf-8"))
        files.append(p.name)
    (tmp_path / "texts.json").write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "lib.py").write_text(LIBRARY_SCRIPT, encoding="utf-8")

    cli = {seed: _run([*_cli_command(), "critique", "--format", "json", *files], seed, tmp_path) for seed in ("0", "12345")}
    lib = {seed: _run([sys.executable, "lib.py", "texts.json"], seed, tmp_path) for seed in ("0", "12345")}
    for name, runs in (("cli", cli), ("library", lib)):
        for seed, r in runs.items():
            assert r.returncode == 0, (name, seed, r.stderr.decode(errors="replace")[-2000:])
    assert cli["0"].stdout == cli["12345"].stdout, "CLI JSON differs between PYTHONHASHSEED=0 and 12345"
    assert lib["0"].stdout == lib["12345"].stdout, "library JSON differs between PYTHONHASHSEED=0 and 12345"

    # and both agree with this process (whatever its hash seed)
    lines = cli["0"].stdout.decode("utf-8").splitlines()
    assert len(lines) == len(texts)
    for line, name, t in zip(lines, files, texts):
        obj = json.loads(line)
        assert obj.pop("source") == name
        assert obj == shared_critic.critique(t).to_dict()
    lib_lines = lib["0"].stdout.decode("utf-8").splitlines()
    assert lib_lines[: 3 * len(texts) : 3] == [_json(shared_critic.critique(t)) for t in texts]
