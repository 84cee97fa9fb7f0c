"""Bad input gets a clear one-line error; awkward but valid input just works.

Every entry point is covered: ``read_draft`` and ``Critic.critique`` in the
library (:class:`~refernlp.errors.InputError`, a ``ValueError``), and the
``critique`` and ``rewrite`` commands (exit status 2, one line on stderr naming
the problem, never a traceback).
"""

from __future__ import annotations

import codecs
import contextlib
import importlib.util
import io
import json
import os
import stat
import sys
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from refernlp import Critic, InputError
from refernlp.cli import main
from refernlp.errors import ExitCode, RefernlpError
from refernlp.textio import DEFAULT_MAX_CHARS, read_draft

HAS_REWRITE = importlib.util.find_spec("refernlp.rewrite") is not None
needs_rewrite = pytest.mark.skipif(not HAS_REWRITE, reason="refernlp.rewrite is not written yet")

GOOD = "Hi Sam, could you refer me for the Data Analyst role at Acme? Thanks so much!\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("draft.txt", GOOD)
    return buf.getvalue()


@pytest.fixture(scope="module")
def schema():
    return json.loads(resources.files("refernlp").joinpath("schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema):
    jsonschema = pytest.importorskip("jsonschema")
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.fixture(scope="module")
def robust_critic():
    return Critic.load()


@pytest.fixture(scope="module")
def long_critic(robust_critic):
    return Critic(robust_critic.models, max_chars=200_000, encoder=robust_critic.encoder)


# --- helpers -------------------------------------------------------------------
def _write(tmp: Path, name: str, data: bytes) -> str:
    p = tmp / name
    p.write_bytes(data)
    return str(p)


def _fifo(tmp: Path) -> str:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    p = tmp / "pipe"
    os.mkfifo(p)
    return str(p)


def _dev_zero(tmp: Path) -> str:
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero on this platform")
    return "/dev/zero"


def _directory(tmp: Path) -> str:
    d = tmp / "a-folder"
    d.mkdir()
    return str(d)


@contextlib.contextmanager
def _unprivileged(needs_package: bool = False):
    """Drop the effective uid while reading, so that root meets file permissions too.

    ``needs_package``: the block loads refernlp's own files (the CLI does), so skip
    where an unprivileged user cannot read them (e.g. a checkout in a 0700 directory).
    """
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        yield
        return
    import refernlp
    from refernlp.loading import shipped_models_dir

    package_dirs = [Path(refernlp.__file__).parent / "lexicons", shipped_models_dir() / "request_type"]  # resolved as root
    try:
        os.seteuid(65534)  # nobody
    except (OSError, AttributeError) as exc:  # no CAP_SETUID in this sandbox
        pytest.skip(f"running as root and cannot drop privileges to make a file unreadable ({exc})")
    try:
        if needs_package and not all(os.access(d, os.R_OK | os.X_OK, effective_ids=True) for d in package_dirs):
            skip = True
        else:
            skip = False
            yield
    finally:
        os.seteuid(0)
    if skip:
        pytest.skip("refernlp's own files are not readable by an unprivileged user here")


@pytest.fixture
def unreadable(tmp_path):
    """A mode-000 file in a world-traversable folder (so only the file's own permission fails)."""
    if sys.platform == "win32":
        pytest.skip("POSIX permissions only")
    folder = Path(tempfile.mkdtemp(prefix="refernlp-unreadable-"))
    folder.chmod(0o711)
    p = folder / "secret.txt"
    p.write_text(GOOD, encoding="utf-8")
    p.chmod(0)
    yield str(p)
    p.chmod(stat.S_IRUSR | stat.S_IWUSR)
    p.unlink()
    folder.rmdir()


#: (id, make(tmp_path) -> path, extra CLI args / read_draft kwargs, what the message must name)
BAD_FILES: list[tuple[str, Callable[[Path], str], dict, str]] = [
    ("empty", lambda t: _write(t, "empty.txt", b""), {}, "empty"),
    ("whitespace", lambda t: _write(t, "ws.txt", b" \n\t \r\n  "), {}, "whitespace"),
    ("one_char", lambda t: _write(t, "one.txt", b"a"), {}, "too short"),
    ("one_char_padded", lambda t: _write(t, "one2.txt", b"\n  x  \n"), {}, "too short"),
    ("over_max_chars", lambda t: _write(t, "long.txt", (GOOD * 10).encode()), {"max_chars": 100}, "over the limit"),
    ("over_max_bytes", lambda t: _write(t, "huge.txt", b"word " * 30_000), {}, "over the limit"),
    ("png", lambda t: _write(t, "photo.txt", PNG), {}, "PNG"),
    ("zip", lambda t: _write(t, "draft.docx", _zip_bytes()), {}, "ZIP"),
    ("invalid_utf8", lambda t: _write(t, "bad.txt", b"Hello \xff there, could you refer me?"), {}, "byte offset 6"),
    ("invalid_utf8_late", lambda t: _write(t, "bad2.txt", "Grüße, Sam! ".encode() + b"\xc3\x28 ok"), {}, "byte offset 14"),
    ("nul_bytes", lambda t: _write(t, "nul.txt", b"Hi Sam,\x00\x00 refer me please"), {}, "NUL"),
    ("directory", _directory, {}, "directory"),
    ("missing", lambda t: str(t / "no-such-draft.txt"), {}, "no such file"),
    ("fifo", _fifo, {}, "not a regular file"),
    ("dev_zero", _dev_zero, {}, "not a regular file"),
]

BAD_STRINGS = [
    ("empty", "", "empty"),
    ("whitespace", " \n\t\u3000 ", "whitespace"),
    ("one_char", "a", "too short"),
    ("one_char_padded", "\n x \n", "too short"),
    ("over_max_chars", "x" * (DEFAULT_MAX_CHARS + 1), "over the limit"),
    ("nul", "Hi Sam,\x00 refer me please", "NUL"),
    ("bytes", GOOD.encode(), "must be a str"),
    ("none", None, "must be a str"),
    ("int", 42, "must be a str"),
]


def _cli_args(kwargs: dict) -> list[str]:
    out = []
    if "max_chars" in kwargs:
        out += ["--max-chars", str(kwargs["max_chars"])]
    if "encoding" in kwargs:
        out += ["--encoding", kwargs["encoding"]]
    if "errors" in kwargs:
        out += ["--errors", kwargs["errors"]]
    return out


def assert_one_line_error(result, fragment: str) -> None:
    err = result.stderr.strip()
    assert result.exit_code == ExitCode.USAGE, (result.exit_code, result.output, repr(result.exception))
    assert "Traceback" not in result.output and "Traceback" not in err
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), repr(result.exception)
    assert err.count("\n") == 0, err
    assert err.startswith("refernlp: error: "), err
    assert fragment.lower() in err.lower(), (fragment, err)
    assert result.stdout == "", result.stdout


def assert_spans_point_into(text: str, d: dict) -> None:
    """Every span lies inside the original text and slices to exactly its reported text."""
    n = len(text)
    for s in d["politeness"]["strategies"]:
        assert 0 <= s["start"] < s["end"] <= n, s
        assert text[s["start"] : s["end"]] == s["text"], (s, text[s["start"] : s["end"]])
    for f in d["findings"]:
        if f["start"] is None:
            assert f["end"] is None, f
            continue
        assert 0 <= f["start"] <= f["end"] <= n, f
    for key in ("company", "role", "recipient_name", "sender_name", "mutual_contact"):
        value = d["slots"][key]
        assert value is None or (value and value in text), (key, value)
    for value in d["slots"]["job_ids"] + d["slots"]["urls"]:
        assert value and value in text, value
    assert d["stats"]["characters"] == len(text.strip())  # the draft without leading and trailing blanks


# --- library: bad input ----------------------------------------------------------
def test_input_error_is_a_value_error():
    assert issubclass(InputError, ValueError) and issubclass(InputError, RefernlpError)
    assert InputError.exit_code == ExitCode.USAGE == 2


@pytest.mark.parametrize("name,make,kwargs,fragment", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_read_draft_rejects_bad_file(tmp_path, name, make, kwargs, fragment):
    path = make(tmp_path)
    with pytest.raises(InputError) as info:
        read_draft(path, **kwargs)
    msg = str(info.value)
    assert "\n" not in msg and fragment.lower() in msg.lower(), msg
    assert msg.startswith(path) or name in {"over_max_chars"} or path in msg, msg


def test_read_draft_rejects_unreadable_file(unreadable):
    with _unprivileged(), pytest.raises(InputError, match="permission denied"):
        read_draft(unreadable)


@pytest.mark.parametrize("name,text,fragment", BAD_STRINGS, ids=[b[0] for b in BAD_STRINGS])
def test_critique_rejects_bad_string(robust_critic, name, text, fragment):
    with pytest.raises(InputError) as info:
        robust_critic.critique(text)
    assert fragment.lower() in str(info.value).lower() and "\n" not in str(info.value)


def test_critique_many_names_the_bad_draft(robust_critic):
    with pytest.raises(InputError, match=r"draft 1: .*empty"):
        robust_critic.critique_many([GOOD, ""])


@pytest.mark.parametrize(
    "data,fragment",
    [(b"", "empty"), (PNG, "PNG"), (b"caf\xe9 au lait, refer me?", "byte offset 3"), (b"z" * (4 * 50 + 5), "size limit")],
    ids=["empty", "png", "invalid_utf8", "too_big"],
)
def test_read_draft_rejects_bad_stdin(data, fragment):
    with pytest.raises(InputError, match=fragment):
        read_draft("-", stdin=io.BytesIO(data), max_chars=50)


def test_read_draft_rejects_huge_sparse_file_by_size_before_reading(tmp_path):
    """A 2 GB file is refused from its size alone: fast, and no memory is spent on it."""
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:
        fh.truncate(2 * 1024**3)
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        with pytest.raises(InputError, match="over the limit"):
            read_draft(big)
        elapsed = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 1.0, elapsed
    assert peak < 1024**2, f"peak {peak:,} bytes while refusing a 2 GB file"


def test_read_draft_reads_at_most_the_byte_limit_from_a_stream():
    """Standard input has no size: reading stops one byte past the limit."""

    class Endless(io.RawIOBase):
        served = 0

        def readable(self):
            return True

        def readinto(self, b):
            n = len(b)
            b[:n] = b"a" * n
            self.served += n
            return n

    stream = Endless()
    with pytest.raises(InputError, match="size limit"):
        read_draft("-", stdin=stream, max_chars=1000)
    assert stream.served <= 4 * 1000 + 5


# --- library: decoding ---------------------------------------------------------------
@pytest.mark.parametrize(
    "name,data",
    [
        ("utf8_bom", codecs.BOM_UTF8 + GOOD.encode("utf-8")),
        ("utf16_le_bom", codecs.BOM_UTF16_LE + GOOD.encode("utf-16-le")),
        ("utf16_be_bom", codecs.BOM_UTF16_BE + GOOD.encode("utf-16-be")),
        ("utf16_python", GOOD.encode("utf-16")),  # BOM + native order
        ("utf32_bom", GOOD.encode("utf-32")),
        ("utf8_plain", GOOD.encode("utf-8")),
    ],
)
def test_read_draft_honours_byte_order_marks(tmp_path, name, data):
    assert read_draft(_write(tmp_path, f"{name}.txt", data)) == GOOD


def test_read_draft_decodes_with_encoding_or_replace(tmp_path):
    path = _write(tmp_path, "latin1.txt", "Café Zürich: could you refer me? Grüße".encode("latin-1"))
    with pytest.raises(InputError, match="byte offset 3"):
        read_draft(path)
    assert read_draft(path, encoding="latin-1") == "Café Zürich: could you refer me? Grüße"
    replaced = read_draft(path, errors="replace")
    assert replaced.startswith("Caf\ufffd Z\ufffdrich")
    with pytest.raises(InputError, match="unknown encoding"):
        read_draft(path, encoding="no-such-codec")


# --- CLI: bad input -----------------------------------------------------------------
@pytest.fixture
def runner():
    return CliRunner()


COMMANDS = ["critique", pytest.param("rewrite", marks=needs_rewrite)]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name,make,kwargs,fragment", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_cli_rejects_bad_file(runner, tmp_path, command, name, make, kwargs, fragment):
    path = make(tmp_path)
    before = Path(path).read_bytes() if Path(path).is_file() else None
    result = runner.invoke(main, [command, *_cli_args(kwargs), path])
    assert_one_line_error(result, fragment)
    if before is not None:
        assert Path(path).read_bytes() == before  # the user's file is never modified


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_rejects_unreadable_file(runner, unreadable, command, tmp_path):
    # one run as root first, so that lazily imported modules (some from a root-only
    # Python installation) are loaded before the uid drops
    readable = tmp_path / "ok.txt"
    readable.write_text("Hi Sam, could you refer me for the analyst role at Acme? Thanks!", encoding="utf-8")
    assert runner.invoke(main, [command, str(readable)]).exit_code == 0
    with _unprivileged(needs_package=True):
        result = runner.invoke(main, [command, unreadable])
    assert_one_line_error(result, "permission denied")


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    "data,fragment", [(b"", "empty"), (b"  \n ", "whitespace"), (PNG, "PNG"), (b"\xfe\xfe\xfe refer", "byte offset")], ids=["empty", "whitespace", "png", "invalid_utf8"]
)
def test_cli_rejects_bad_stdin(runner, command, data, fragment):
    result = runner.invoke(main, [command, "-"], input=data)
    assert_one_line_error(result, fragment)
    assert "<stdin>" in result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_rejects_huge_sparse_file_quickly(runner, tmp_path, command):
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:
        fh.truncate(2 * 1024**3)
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        result = runner.invoke(main, [command, str(big)])
        elapsed = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert_one_line_error(result, "over the limit")
    assert elapsed < 30, elapsed  # the time is model loading, not reading
    assert peak < 200 * 1024**2, f"peak {peak:,} bytes"  # models and pipeline only, nowhere near 2 GB


def test_cli_bad_file_does_not_stop_the_good_ones(runner, tmp_path):
    good = _write(tmp_path, "good.txt", GOOD.encode())
    bad = _write(tmp_path, "bad.txt", b"")
    result = runner.invoke(main, ["critique", "--format", "json", bad, good])
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.strip().count("\n") == 0 and "empty" in result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["source"] == good


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_decodes_with_encoding_or_replace(runner, tmp_path, command):
    path = _write(tmp_path, "latin1.txt", "Hola Zoë, could you refer me for the Data Analyst role at Acme? Grüße".encode("latin-1"))
    assert_one_line_error(runner.invoke(main, [command, path]), "byte offset 7")
    for extra in (["--encoding", "latin-1"], ["--errors", "replace"]):
        result = runner.invoke(main, [command, "--format", "json", *extra, path])
        assert result.exit_code == 0, (extra, result.output)
        obj = json.loads(result.stdout.splitlines()[0])
        assert obj["source"] == path


@pytest.mark.parametrize("bom_name", ["utf-8-sig", "utf-16", "utf-16-le-bom"])
def test_cli_decodes_byte_order_marks(runner, tmp_path, robust_critic, bom_name):
    data = {
        "utf-8-sig": GOOD.encode("utf-8-sig"),
        "utf-16": GOOD.encode("utf-16"),
        "utf-16-le-bom": codecs.BOM_UTF16_LE + GOOD.encode("utf-16-le"),
    }[bom_name]
    path = _write(tmp_path, "bom.txt", data)
    result = runner.invoke(main, ["critique", "--format", "json", path])
    assert result.exit_code == 0, result.output
    obj = json.loads(result.stdout)
    obj.pop("source")
    assert obj == robust_critic.critique(GOOD).to_dict()


# --- must work ------------------------------------------------------------------------
HTML_EMAIL = (
    "<html><head><style>p { color: red; }</style></head><body>\n"
    "<p>Hi Sam,</p>\n"
    "<p>Hope you&#39;re well! Could you refer me for the <b>Data Analyst</b> role at Acme? "
    "The job ID is R-12345 and the posting is at https://boards.greenhouse.io/acme/jobs/12345.</p>\n"
    "<p>No worries at all if not.&nbsp;Thanks so much!</p>\n"
    "<p>Best,<br>Alex</p>\n"
    "</body></html>\n"
)
HTML_INLINE = (
    "<div>Hey Jo,<br>please <i>send</i> me the <a href=\"https://acme.com/careers\">Acme careers</a> link "
    "for the <b>Senior&nbsp;Data Analyst</b> role.</div><div>Thanks!<br>\u2014 Alex</div>"
)
QUOTED_REPLY = (
    "Hi Sam,\n\n"
    "Thanks for getting back to me! Could you refer me for the Data Analyst role at Acme? "
    "The job ID is R-12345.\n\n"
    "Best,\nAlex\n\n"
    "On Mon, 3 Jun 2024 at 10:00, Sam Lee <sam@example.com> wrote:\n"
    "> Send me your resume NOW and tell Globex to hurry up!!\n"
    "> Cheers,\n"
    "> Sam\n"
)
QUOTED_MARKERS_ONLY = (
    "Sounds great, could you refer me for the Data Analyst role at Acme then? Thanks!\n"
    "> Send me the job ID right now!!\n"
    "> Sam\n"
)
SPANISH = "Hola María, ¿podrías recomendarme para el puesto de analista de datos en Acme? Muchas gracias por tu ayuda."
RUSSIAN = "Привет, Саша! Не мог бы ты порекомендовать меня на должность аналитика данных в компании Акме? Спасибо большое."
CHINESE = "王伟你好，能否请你推荐我申请 Acme 公司的数据分析师职位？非常感谢你的帮助。祝好，李明"
ARABIC = "مرحبا سامي، هل يمكنك أن توصي بي لوظيفة محلل بيانات في شركة أكمي؟ شكرا جزيلا لك على مساعدتك"
HEBREW = "שלום דנה, האם תוכלי להמליץ עליי למשרת אנליסט נתונים בחברת אקמי? תודה רבה על העזרה"
MIXED = (
    "Hi 王伟 (Wang Wei), could you refer me for the Data Analyst role at Acme in München? "
    "Спасибо! شكرا 🙏 — ありがとう。 \u202eRTL override\u202c and a zero\u200bwidth space.\n— Alex"
)
_LINE = "Could you refer me for the Data Analyst role at Acme? Thanks so much for thinking of me! "
LONG_LINE = (_LINE * (100_000 // len(_LINE) + 1))[:100_000]
CRLF = "Hi Sam,\r\n\r\nHope you're well! Could you refer me for the Data Analyst role at Acme (job ID R-12345)?\r\nNo worries if not.\r\n\r\nThanks,\r\nAlex\r\n"

#: (id, text, must-have finding ids, must-not-have finding ids)
MUST_WORK: list[tuple[str, str, set[str], set[str]]] = [
    ("spanish", SPANISH, {"language.not_english"}, set()),
    ("russian", RUSSIAN, {"language.not_english"}, set()),
    ("chinese", CHINESE, set(), set()),
    ("html_email", HTML_EMAIL, {"input.html"}, set()),
    ("html_inline_tags", HTML_INLINE, {"input.html", "politeness.command"}, set()),
    ("quoted_reply", QUOTED_REPLY, {"input.quoted_reply"}, {"politeness.shouting", "politeness.command"}),
    ("quoted_markers_only", QUOTED_MARKERS_ONLY, {"input.quoted_reply"}, {"politeness.shouting", "politeness.command"}),
    ("emoji_only", "🙏😀🎉👍", set(), set()),
    ("emoji_zwj", "👩\u200d💻👨\u200d👩\u200d👧 🇬🇧🇺🇸 👍🏽", set(), set()),
    ("long_line", LONG_LINE, {"length.too_long"}, set()),
    ("windows_line_endings", CRLF, set(), set()),
    ("old_mac_line_endings", CRLF.replace("\r\n", "\r"), set(), set()),
    ("arabic", ARABIC, {"language.not_english"}, set()),
    ("hebrew", HEBREW, {"language.not_english"}, set()),
    ("mixed_scripts", MIXED, set(), {"language.not_english"}),
]


def _critic_for(name: str, robust_critic, long_critic):
    return long_critic if name == "long_line" else robust_critic


@pytest.mark.parametrize("name,text,must,must_not", MUST_WORK, ids=[m[0] for m in MUST_WORK])
def test_critique_handles_awkward_input(robust_critic, long_critic, validator, name, text, must, must_not):
    d = _critic_for(name, robust_critic, long_critic).critique(text).to_dict()
    validator.validate(d)
    assert_spans_point_into(text, d)
    ids = {f["id"] for f in d["findings"]}
    assert must <= ids, (must - ids, ids)
    assert not (must_not & ids), must_not & ids


def test_html_email_is_stripped_and_spans_point_into_the_original(robust_critic):
    c = robust_critic.critique(HTML_EMAIL)
    d = c.to_dict()
    assert_spans_point_into(HTML_EMAIL, d)
    assert "input.html" in {f["id"] for f in d["findings"]}
    for s in d["politeness"]["strategies"]:
        assert "<" not in s["text"] and "&nbsp;" not in s["text"], s
    names = {s["name"] for s in d["politeness"]["strategies"]}
    assert {"greeting", "gratitude", "easy_out"} <= names
    assert d["request_type"]["label"] == "targeted"
    assert d["slots"]["company"] == "Acme" and d["slots"]["job_ids"] == ["R-12345"]
    assert d["slots"]["recipient_name"] == "Sam"
    assert d["slots"]["urls"] == ["https://boards.greenhouse.io/acme/jobs/12345"]
    # markup is not counted as words
    assert d["stats"]["words"] < 70
    assert all(s["text"] not in {"p", "b", "br", "html", "body", "style"} for s in d["politeness"]["strategies"])


@pytest.mark.parametrize("text,marker", [(QUOTED_REPLY, "On Mon"), (QUOTED_MARKERS_ONLY, "> Send")], ids=["on_wrote", "gt_lines"])
def test_quoted_reply_chain_is_ignored_and_said_so(robust_critic, text, marker):
    d = robust_critic.critique(text).to_dict()
    start = text.index(marker)
    quoted = [f for f in d["findings"] if f["id"] == "input.quoted_reply"]
    assert len(quoted) == 1 and quoted[0]["start"] == start and quoted[0]["end"] <= len(text)
    for s in d["politeness"]["strategies"]:
        assert s["end"] <= start, ("strategy found in the quoted part", s)
    for f in d["findings"]:
        if f["id"] != "input.quoted_reply" and f["start"] is not None:
            assert f["end"] <= start, f
    slots = d["slots"]
    assert slots["company"] != "Globex" and slots["sender_name"] != "Sam"
    for key in ("company", "role", "recipient_name", "sender_name", "mutual_contact"):
        if slots[key]:
            assert slots[key] in text[:start]


def test_windows_line_endings_read_like_unix(robust_critic):
    a = robust_critic.critique(CRLF).to_dict()
    b = robust_critic.critique(CRLF.replace("\r\n", "\n")).to_dict()
    for key in ("request_type", "relationship", "slots", "asks_introduction"):
        if key in ("request_type", "relationship"):
            assert a[key]["label"] == b[key]["label"], key
        else:
            assert a[key] == b[key], key
    assert a["politeness"]["label"] == b["politeness"]["label"]
    assert [s["name"] for s in a["politeness"]["strategies"]] == [s["name"] for s in b["politeness"]["strategies"]]
    assert {f["id"] for f in a["findings"]} == {f["id"] for f in b["findings"]}
    assert a["stats"]["sentences"] == b["stats"]["sentences"] and a["stats"]["words"] == b["stats"]["words"]
    assert a["slots"]["sender_name"] == "Alex"
    assert all("\r" not in s["text"] for s in a["politeness"]["strategies"])


def test_long_line_is_critiqued_in_reasonable_time(long_critic):
    t0 = time.perf_counter()
    d = long_critic.critique(LONG_LINE).to_dict()
    elapsed = time.perf_counter() - t0
    assert d["stats"]["characters"] == 100_000
    assert elapsed < 20, f"{elapsed:.1f}s for a 100,000-character line (quadratic work somewhere?)"


@pytest.mark.parametrize("name,text,must,must_not", MUST_WORK, ids=[m[0] for m in MUST_WORK])
def test_cli_handles_awkward_input(runner, tmp_path, robust_critic, long_critic, validator, name, text, must, must_not):
    path = tmp_path / f"{name}.txt"
    path.write_bytes(text.encode("utf-8"))
    before = path.stat().st_mtime_ns
    extra = ["--max-chars", "200000"] if name == "long_line" else []
    result = runner.invoke(main, ["critique", "--format", "json", *extra, str(path)])
    assert result.exit_code == 0, (result.output, repr(result.exception))
    assert result.stderr == ""
    obj = json.loads(result.stdout)
    assert obj.pop("source") == str(path)
    validator.validate(obj)
    assert obj == _critic_for(name, robust_critic, long_critic).critique(text).to_dict()
    assert path.read_bytes() == text.encode("utf-8") and path.stat().st_mtime_ns == before
    # the text report renders too (line:column of spans, marked-up draft)
    text_result = runner.invoke(main, ["critique", "--no-color", *extra, str(path)])
    assert text_result.exit_code == 0 and "Traceback" not in text_result.output


# --- no hang: inputs that used to take seconds to minutes ---------------------------------
_N = DEFAULT_MAX_CHARS


def _ws(prefix: str, ch: str = " ") -> str:
    """``prefix``, then whitespace up to the length limit, then one letter (so nothing matches)."""
    return prefix + ch * (_N - len(prefix) - 1) + "x"


#: (id, text): each was quadratic or worse somewhere (tokenizer affix splitting, regex backtracking)
PATHOLOGICAL: list[tuple[str, str]] = [
    ("bangs", "!" * _N),
    ("question_marks", "?" * _N),
    ("less_than", "<" * _N),
    ("entity_starts", "&#" * (_N // 2)),
    ("emoji_run", "🙏" * _N),
    ("underscores", "_" * _N),
    ("apostrophes", "'" * _N),
    ("dotted_labels", "a." * (_N // 2)),
    ("hyphenated", "a-" * (_N // 2)),
    ("long_url", ("https://x.com/" + "a-" * _N)[:_N]),
    ("www_dotted", ("www." + "a." * _N)[:_N]),
    ("job_ids", ("R-1" * _N)[:_N]),
    ("spaces", _ws("a")),
    ("tabs", _ws("a", "\t")),
    ("signoff_then_spaces", _ws("Hello there\nBest")),
    ("job_then_spaces", _ws("Please refer me, job")),
    ("job_id_is_then_spaces", _ws("job id is :")),
    ("introduce_then_spaces", _ws("could you introduce me to your friend")),
    ("friend_comma_then_spaces", _ws("my friend ,")),
    ("dash_name_then_spaces", _ws("Hello there\n- Al")),
    ("line_name_then_spaces", _ws("Hello there\nSam")),
    ("greeting_then_spaces", _ws("Hi")),
    ("through_then_spaces", _ws("through our mutual friend")),
    ("html_blanked_wide", "<p>Hi Sam,</p><style>" + "p{}" * 6000 + "</style><p>Best,<br>Alex</p>"),
    ("script_opens", ("<p><script>" * _N)[:_N]),
    ("comment_opens", ("<p><!--" * _N)[:_N]),
    ("on_on_on", ("On " * _N)[:_N]),
    ("quoted_lines", ("> a\n" * _N)[:_N]),
]


@pytest.mark.parametrize("name,text", PATHOLOGICAL, ids=[p[0] for p in PATHOLOGICAL])
def test_pathological_input_does_not_hang(robust_critic, name, text):
    assert len(text) <= DEFAULT_MAX_CHARS
    t0 = time.perf_counter()
    d = robust_critic.critique(text).to_dict()
    elapsed = time.perf_counter() - t0
    assert_spans_point_into(text, d)
    assert elapsed < 5.0, f"{elapsed:.1f}s for {name} (was minutes before the fix)"


def test_cli_pathological_input_does_not_hang(runner, tmp_path):
    path = tmp_path / "wide.txt"
    path.write_text(_ws("Hello there\nBest"), encoding="utf-8")
    t0 = time.perf_counter()
    result = runner.invoke(main, ["critique", "--format", "json", str(path)])
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - t0 < 30


# --- rewrite (once refernlp.rewrite exists) ----------------------------------------------
@needs_rewrite
@pytest.mark.parametrize("name,text,fragment", BAD_STRINGS, ids=[b[0] for b in BAD_STRINGS])
def test_rewrite_rejects_bad_string(robust_critic, name, text, fragment):
    with pytest.raises(InputError) as info:
        robust_critic.rewrite(text)
    assert fragment.lower() in str(info.value).lower()


@needs_rewrite
@pytest.mark.parametrize("name,text,must,must_not", MUST_WORK, ids=[m[0] for m in MUST_WORK])
def test_rewrite_handles_awkward_input(robust_critic, long_critic, name, text, must, must_not):
    rewrites = _critic_for(name, robust_critic, long_critic).rewrite(text)
    assert isinstance(rewrites, list)
    for r in rewrites:
        json.dumps(r.to_dict(), ensure_ascii=False)


@contextlib.contextmanager
def _deadline(seconds: int):
    """Fail (instead of hanging the suite) when the body runs past ``seconds``."""
    import signal

    if not hasattr(signal, "SIGALRM"):
        pytest.skip("needs SIGALRM")

    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds}s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@needs_rewrite
@pytest.mark.parametrize("name,text", PATHOLOGICAL, ids=[p[0] for p in PATHOLOGICAL])
def test_rewrite_pathological_input_does_not_hang(robust_critic, name, text):
    t0 = time.perf_counter()
    with _deadline(10):
        rewrites = robust_critic.rewrite(text)
    assert isinstance(rewrites, list)
    assert time.perf_counter() - t0 < 5.0


@pytest.mark.parametrize("failure", ["unsearchable", "removed"])
def test_cli_survives_a_working_directory_it_cannot_look_into(runner, monkeypatch, tmp_path, failure):
    """The implicit ./.refernlp.toml lookup must not turn an odd working directory into a traceback."""
    from refernlp.cli import CONFIG_NAMES

    if failure == "unsearchable":
        real = Path.is_file

        def is_file(self):
            if self.name in CONFIG_NAMES:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "is_file", is_file)
    else:
        monkeypatch.setattr(Path, "cwd", classmethod(lambda cls: (_ for _ in ()).throw(FileNotFoundError(2, "No such file or directory"))))
    draft = tmp_path / "d.txt"
    draft.write_text("Hi Sam, could you refer me for the analyst role at Acme? Thanks!", encoding="utf-8")
    result = runner.invoke(main, ["critique", "--format", "json", str(draft)])
    assert result.exit_code == 0, (result.output, repr(result.exception))
