"""The ``refernlp`` command: a thin layer over the library API.

Library exceptions become one-line errors here and nowhere else; exit codes
are :class:`refernlp.errors.ExitCode`.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Sequence

import click

from . import __version__
from .errors import ConfigError, ExitCode, RefernlpError
from .schema import ALL_TASKS, CLASSIFIER_TASKS, NOTABLE_STRATEGIES, RELATIONSHIP_CLI, SEVERITY_RANK, TASK_COLUMN, TASKS
from .textio import DEFAULT_MAX_CHARS, read_draft

RELATIONSHIPS = list(RELATIONSHIP_CLI)
SEVERITY_COLOR = {"error": "red", "warning": "yellow", "info": "cyan"}
CONFIG_NAMES = (".refernlp.toml", "refernlp.toml")


def _fail(msg: str) -> None:
    click.echo(f"refernlp: error: {msg}", err=True)


def _use_color(ctx_color: bool | None) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if ctx_color is not None:
        return ctx_color
    return sys.stdout.isatty()


def load_cli_config(path: str | None) -> dict[str, Any]:
    """Settings from ``--config FILE`` or a ``.refernlp.toml`` in the current directory."""
    if path:
        return _read_cli_config(Path(path))
    try:
        candidates = [Path.cwd() / n for n in CONFIG_NAMES]
    except OSError:  # the working directory was removed
        return {}
    for p in candidates:
        try:
            present = p.is_file()
        except OSError:  # a working directory we may not search holds no config we could read
            present = False
        if present:
            return _read_cli_config(p)
    return {}


def _read_cli_config(p: Path) -> dict[str, Any]:
    import tomllib

    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read config ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: invalid TOML ({exc})") from None
    data = data.get("tool", {}).get("refernlp", data)
    allowed = {"disable", "max_chars", "fail_on", "models"}
    unknown = set(data) - allowed
    if unknown:
        raise ConfigError(f"{p}: unknown setting(s) {sorted(unknown)}; allowed: {sorted(allowed)}")
    if "disable" in data and not (isinstance(data["disable"], list) and all(isinstance(x, str) for x in data["disable"])):
        raise ConfigError(f"{p}: 'disable' must be a list of rule id prefixes")
    return data


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="refernlp")
def main() -> None:
    """Critique and improve job-referral request messages.

    \b
    Examples:
      refernlp critique draft.txt
      refernlp critique --relationship weak --format json draft.txt
      cat draft.txt | refernlp critique -
    """


# --- critique -------------------------------------------------------------------
def _line_col(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"{line}:{col}"


def _marked_draft(text: str, spans: Sequence[tuple[int, int, str]], color: bool) -> str:
    """The draft with flagged spans marked: coloured on a terminal, ``[[...]]`` otherwise."""
    spans = sorted({(s, e, sev) for s, e, sev in spans if s is not None and e is not None and e > s})
    out, pos = [], 0
    for s, e, sev in spans:
        if s < pos:
            continue
        out.append(text[pos:s])
        piece = text[s:e]
        out.append(click.style(piece, fg=SEVERITY_COLOR[sev], underline=True, bold=True) if color else f"[[{piece}]]")
        pos = e
    out.append(text[pos:])
    body = "".join(out).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join("  │ " + line for line in body.split("\n"))


def render_text(source: str, result, color: bool, show_draft: bool = True) -> str:

    st = lambda s, **kw: click.style(s, **kw) if color else s  # noqa: E731
    d = result
    lines = [st(source, bold=True)]
    rel = d.relationship
    lines.append(f"  request type   {st(d.request_type.label, bold=True)} ({d.request_type.confidence:.2f})")
    lines.append(f"  relationship   {st(rel.label, bold=True)} ({rel.source}" + (f", {rel.confidence:.2f})" if rel.source == "inferred" else ")"))
    tr = d.transparency
    if tr.label is None:
        lines.append("  transparency   n/a (no referral ask)")
    else:
        miss = ", ".join(m.replace("_", " ") for m in tr.missing) or "nothing"
        lines.append(f"  transparency   {st(tr.label, bold=True)} (score {tr.score:.2f}; missing: {miss})")
    pos, neg = [], []
    for s in d.politeness.strategies:
        if s.name in NOTABLE_STRATEGIES:
            (neg if s.polarity == "negative" else pos).append(s.name)
    uniq = lambda xs: ", ".join(dict.fromkeys(xs)) or "none"  # noqa: E731
    lines.append(f"  politeness     {st(d.politeness.label, bold=True)} (score {d.politeness.score:.2f})")
    lines.append(f"                 + {uniq(pos)}")
    lines.append(f"                 - {uniq(neg)}")
    sl = d.slots
    parts = [f"{k}={v}" for k, v in (("company", sl.company), ("role", sl.role), ("to", sl.recipient_name), ("from", sl.sender_name), ("via", sl.mutual_contact)) if v]
    if sl.job_ids:
        parts.append("job IDs " + ", ".join(sl.job_ids))
    if sl.urls:
        parts.append(f"{len(sl.urls)} job link(s)")
    lines.append("  slots          " + ("; ".join(parts) if parts else "none found"))
    if d.asks_introduction:
        lines.append("  asks for an introduction")
    s = d.stats
    lines.append(f"  length         {s.words} words, {s.characters} characters, {s.sentences} sentences, {s.questions} question(s)")
    if show_draft:
        lines.append("")
        lines.append(_marked_draft(d.text, [(f.start, f.end, f.severity) for f in d.findings], color))
    lines.append("")
    if d.findings:
        lines.append(st(f"  {len(d.findings)} finding(s):", bold=True))
        for f in d.findings:
            where = _line_col(d.text, f.start) if f.start is not None else "-"
            lines.append(f"  {st(f.severity.ljust(7), fg=SEVERITY_COLOR[f.severity])} {where:>6}  {f.message}  {st('[' + f.id + ']', dim=True)}")
            if f.suggestion:
                lines.append(f"  {'':7} {'':>6}  → {f.suggestion}")
    else:
        lines.append("  no findings")
    return "\n".join(lines)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, allow_dash=True))
@click.option("--relationship", "-r", type=click.Choice(RELATIONSHIPS, case_sensitive=False), help="Your tie with the recipient; inferred from the text when omitted.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="json: one object per input per line, with a 'source' key.")
@click.option("--disable", multiple=True, metavar="ID_PREFIX", help="Switch off findings whose id starts with this prefix (repeatable), e.g. 'length.' or 'courtesy.no_easy_out'.")
@click.option("--models", "models_dir", type=click.Path(), help="A model directory from `refernlp train`; tasks it lacks fall back to the shipped models.")
@click.option("--max-chars", type=click.IntRange(min=1), default=None, help=f"Refuse drafts longer than this  [default: {DEFAULT_MAX_CHARS}]")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default=None, help="Exit 1 when a finding of this severity (or worse) exists.")
@click.option("--encoding", default=None, help="Decode files with this encoding instead of UTF-8 (a BOM is always honoured).")
@click.option("--errors", "decode_errors", type=click.Choice(["strict", "replace"]), default="strict", show_default=True, help="What to do with undecodable bytes.")
@click.option("--config", "config_path", type=click.Path(), help="TOML file with disable / max_chars / fail_on / models (default: ./.refernlp.toml if present).")
@click.option("--no-draft", is_flag=True, help="Text format: do not echo the marked-up draft.")
@click.option("--rewrite", "with_rewrite", is_flag=True, help="Also print suggested rewrites (see `refernlp rewrite`).")
@click.option("--backend", type=click.Choice(["linear", "neural"]), default="linear", show_default=True, help="neural: add the transformer encoder's judgement (needs refernlp[neural]).")
@click.option("--color/--no-color", default=None, help="Force or suppress colour (NO_COLOR is respected).")
def critique(files, relationship, fmt, disable, models_dir, max_chars, fail_on, encoding, decode_errors, config_path, no_draft, with_rewrite, backend, color) -> None:
    """Critique referral-request drafts (FILE, or - for standard input).

    \b
    Exit status: 0 ok, 1 a --fail-on threshold was reached,
    2 bad usage or input (missing, empty, binary, undecodable or too long).
    """
    try:
        cfg = load_cli_config(config_path)
        critic = _load_critic(models_dir or cfg.get("models"), tuple(cfg.get("disable", ())) + tuple(disable), max_chars or cfg.get("max_chars") or DEFAULT_MAX_CHARS, backend)
    except RefernlpError as exc:
        _fail(str(exc))
        sys.exit(ExitCode.USAGE)
    fail_on = fail_on or cfg.get("fail_on")
    use_color = _use_color(color)
    status = ExitCode.OK
    threshold = SEVERITY_RANK.get(fail_on, -1) if fail_on else -1
    for i, src in enumerate(files):
        try:
            text = read_draft(src, max_chars=critic.max_chars, encoding=encoding, errors=decode_errors)
            analysis = critic.analyse(text)
            result = critic.critique(analysis, relationship=relationship)
            rewrites = critic.rewrite(analysis, relationship=relationship) if with_rewrite else None
        except RefernlpError as exc:
            _fail(str(exc))
            status = ExitCode.USAGE
            continue
        if fmt == "json":
            obj = {"source": src, **result.to_dict()}
            if rewrites is not None:
                obj["rewrites"] = [r.to_dict() for r in rewrites]
            click.echo(json.dumps(obj, ensure_ascii=False, sort_keys=False))
        else:
            if i:
                click.echo("")
            click.echo(render_text("<stdin>" if src == "-" else src, result, use_color, show_draft=not no_draft))
            if rewrites:
                click.echo(render_rewrites(rewrites, use_color))
        if threshold >= 0 and status == ExitCode.OK and any(SEVERITY_RANK[f.severity] <= threshold for f in result.findings):
            status = ExitCode.FINDINGS
    sys.exit(status)


def _load_critic(models_dir, disable, max_chars, backend="linear"):
    from .critic import Critic

    return Critic.load(models_dir, disable=disable, max_chars=max_chars, backend=backend)


def render_rewrites(rewrites, color: bool) -> str:
    st = lambda s, **kw: click.style(s, **kw) if color else s  # noqa: E731
    out = []
    for i, r in enumerate(rewrites, 1):
        out.append("")
        out.append(st(f"  rewrite {i} ({r.relationship}; politeness {r.scores['politeness']:.2f}, transparency {r.scores['transparency']:.2f})", bold=True))
        out.extend("  │ " + line for line in r.text.split("\n"))
        for c in r.changes:
            out.append(f"  • {c}")
        if r.placeholders:
            out.append("  fill in: " + ", ".join(r.placeholders))
    return "\n".join(out)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, allow_dash=True))
@click.option("--relationship", "-r", type=click.Choice(RELATIONSHIPS, case_sensitive=False), help="Your tie with the recipient; inferred from the text when omitted.")
@click.option("-n", "n", type=click.IntRange(1, 3), default=3, show_default=True, help="How many rewrites.")
@click.option("--seed", type=int, default=None, help="Vary the phrasing (default: deterministic).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="json: {source, critique, rewrites} per input per line.")
@click.option("--models", "models_dir", type=click.Path(), help="A model directory from `refernlp train`.")
@click.option("--max-chars", type=click.IntRange(min=1), default=DEFAULT_MAX_CHARS, show_default=True, help="Refuse drafts longer than this.")
@click.option("--encoding", default=None, help="Decode files with this encoding instead of UTF-8.")
@click.option("--errors", "decode_errors", type=click.Choice(["strict", "replace"]), default="strict", show_default=True)
@click.option("--generator", "generator_path", type=click.Path(), default=None, help="A local seq2seq or causal language model directory whose checked paraphrases join the candidates (needs refernlp[neural]).")
@click.option("--color/--no-color", default=None, help="Force or suppress colour (NO_COLOR is respected).")
def rewrite(files, relationship, n, seed, fmt, models_dir, max_chars, encoding, decode_errors, generator_path, color) -> None:
    """Suggest improved versions of drafts, tuned to the relationship strength.

    Facts from the draft (company, role, job IDs, links, names) are kept
    verbatim; anything a good message needs but the draft lacks appears as a
    [placeholder] to fill in. With --generator, a local language model
    rewords the best suggestions; its paraphrases pass the same fact checks
    and ranking, so they replace a suggestion only where they do better.
    """
    try:
        critic = _load_critic(models_dir, (), max_chars)
        generator = None
        if generator_path is not None:
            from .rewrite import Generator

            generator = Generator(generator_path)
    except RefernlpError as exc:
        _fail(str(exc))
        sys.exit(ExitCode.USAGE)
    use_color = _use_color(color)
    status = ExitCode.OK
    for i, src in enumerate(files):
        try:
            text = read_draft(src, max_chars=max_chars, encoding=encoding, errors=decode_errors)
            analysis = critic.analyse(text)
            result = critic.critique(analysis, relationship=relationship)
            rewrites = critic.rewrite(analysis, relationship=relationship, n=n, seed=seed, generator=generator)
        except RefernlpError as exc:
            _fail(str(exc))
            status = ExitCode.USAGE
            continue
        if fmt == "json":
            click.echo(json.dumps({"source": src, "critique": result.to_dict(), "rewrites": [r.to_dict() for r in rewrites]}, ensure_ascii=False))
        else:
            if i:
                click.echo("")
            click.echo(click.style(src, bold=True) if use_color else src)
            click.echo(render_rewrites(rewrites, use_color))
    sys.exit(status)


# --- rules ----------------------------------------------------------------------
@main.command()
def rules() -> None:
    """List every finding id with its severity and meaning."""
    from .findings import RULES

    for r in RULES.values():
        click.echo(f"{r.id:40} {r.severity:8} {r.description}")


# --- train / evaluate ---------------------------------------------------------------
def _defaults_epilog() -> str:
    try:
        from .training import TrainingConfig

        cfg = json.dumps(TrainingConfig().to_dict(), indent=1, sort_keys=True)
    except ImportError:
        cfg = "(install refernlp[train] to see them)"
    return "\b\nDefault hyper-parameters (override any of them with --config FILE, TOML or JSON, same keys):\n" + cfg


TASK_CHOICES = [t.cli for t in TASKS.values()] + ["all"]


def _progress(msg: str) -> None:
    if sys.stderr.isatty() and msg.startswith("featurised "):
        done, total = msg.split()[1].split("/")
        width = 30
        filled = int(width * int(done) / max(1, int(total)))
        click.echo(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} texts", nl=int(done) >= int(total), err=True)
    else:
        click.echo(msg, err=True)


def _require_train_extra() -> None:
    try:
        import datasets  # noqa: F401
        import sklearn  # noqa: F401
    except ImportError:
        _fail('training and evaluation need the train extra: pip install "refernlp[train]"')
        sys.exit(ExitCode.USAGE)


@main.command(epilog=_defaults_epilog())
@click.argument("task", type=click.Choice(TASK_CHOICES))
@click.option("--data", "data_paths", multiple=True, required=True, type=click.Path(), help="Training data (JSON Lines, CSV, Parquet or a save_to_disk folder); repeatable.")
@click.option("--out", "out_dir", type=click.Path(), default="refernlp-model", show_default=True, help="Model directory to write.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--test-size", type=float, default=0.2, show_default=True, help="Share of the data held out for the model card's metrics (ignored with --test-data).")
@click.option("--test-data", "test_paths", multiple=True, type=click.Path(), help="A separate test set instead of --test-size.")
@click.option("--dev-data", "dev_paths", multiple=True, type=click.Path(), help="Tuning data for the slot-ranker thresholds.")
@click.option("--cv", type=click.IntRange(min=0), default=10, show_default=True, help="Folds for the Stanford politeness cross-validation (with --stanford; 0 skips it).")
@click.option("--stanford", type=click.Path(), help="Stanford Politeness Corpus CSV to add to the politeness training data.")
@click.option("--config", "config_path", type=click.Path(), help="Hyper-parameters (TOML or JSON); defaults below.")
@click.option("--data-format", type=click.Choice(["auto", "refernlp", "stanford-politeness", "json", "csv", "parquet", "disk"]), default="auto", show_default=True)
@click.option("--text-column", help="Column holding the draft text (default: text).")
@click.option("--label-column", help="Column holding TASK's label (default: the refernlp column name).")
@click.option("--force", is_flag=True, help="Replace an existing --out directory.")
@click.option("--backend", type=click.Choice(["linear", "neural"]), default="linear", show_default=True, help="neural: also train a head on the features plus the all-MiniLM-L6-v2 sentence embedding and blend it with the linear head, weight chosen on out-of-fold predictions (needs refernlp[neural]).")
@click.option("--fine-tune", is_flag=True, help="With --backend neural and one classifier task: first fine-tune the whole encoder on the training data (minutes to tens of minutes on a CPU) and save it in OUT/encoder/ (safetensors, about 90 MB); `critique --backend neural --models OUT` uses it.")
def train(task, data_paths, out_dir, seed, test_size, test_paths, dev_paths, cv, stanford, config_path, data_format, text_column, label_column, force, backend, fine_tune) -> None:
    """Train TASK's model(s) on your labelled data and write a model directory.

    The directory has the same format as the shipped models (manifest with
    checksums, weights without pickle, a model card) and can be used with
    `refernlp critique --models DIR`. It is written atomically.
    """
    _require_train_extra()
    from .data import load_examples, load_stanford, stanford_binary
    from .schema import TASK_BY_CLI as TASK_CLI
    from .training import TrainingConfig, split_examples, train_tasks

    try:
        config = TrainingConfig.from_file(config_path) if config_path else TrainingConfig()
        tname = None if task == "all" else TASK_CLI[task]
        load = lambda p: load_examples(p, task=tname, data_format=data_format, text_column=text_column, label_column=label_column)  # noqa: E731
        examples = [e for p in data_paths for e in load(p)]
        tasks = [tname] if tname else [t for t in ALL_TASKS if any(_col(t) in e.labels for e in examples)]
        if not tasks:
            raise ConfigError("the data has no label column for any task")
        if test_paths:
            train_ex, test_ex = examples, [e for p in test_paths for e in load(p)]
        else:
            split_on = tasks[0] if tasks[0] in CLASSIFIER_TASKS else "request_type" if any("type" in e.labels for e in examples) else tasks[0]
            train_ex, test_ex = split_examples(examples, split_on, test_size, seed)
        dev_ex = [e for p in dev_paths for e in load(p)]
        st, binary = [], None
        if stanford and "politeness" in tasks:
            st = load_stanford(stanford, weight=config.stanford_weight)
            binary = stanford_binary(stanford)
        out = Path(out_dir)
        encoder = None
        if fine_tune and backend != "neural":
            raise ConfigError("--fine-tune needs --backend neural")
        if backend == "neural":
            from .neural import Encoder

            encoder = Encoder()
        metrics = train_tasks(tasks, train_ex, test_ex, out, config=config, dev=dev_ex, seed=seed, stanford=st, stanford_binary=binary, cv=cv, force=force, progress=_progress, data_desc=", ".join(str(p) for p in data_paths), encoder=encoder, fine_tune=fine_tune)
    except RefernlpError as exc:
        _fail(str(exc))
        sys.exit(ExitCode.USAGE)
    click.echo(f"wrote {out} ({', '.join(metrics)})")


def _col(task: str) -> str:
    return TASK_COLUMN[task]


@main.command()
@click.option("--data", "data_paths", multiple=True, required=True, type=click.Path(), help="Labelled data to evaluate on (repeatable).")
@click.option("--models", "models_dir", type=click.Path(), help="Model directory (default: the shipped models).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--data-format", type=click.Choice(["auto", "refernlp", "stanford-politeness", "json", "csv", "parquet", "disk"]), default="auto", show_default=True)
@click.option("--text-column", help="Column holding the draft text (default: text).")
@click.option("--label-column", help="Column holding the label of --task.")
@click.option("--task", type=click.Choice(TASK_CHOICES[:-1]), help="With --label-column: which task that column labels.")
@click.option("--backend", type=click.Choice(["linear", "neural"]), default="linear", show_default=True)
def evaluate(data_paths, models_dir, fmt, data_format, text_column, label_column, task, backend) -> None:
    """Evaluate models on labelled data: accuracy, macro-F1, per-class scores, confusion matrices, slot F1."""
    _require_train_extra()
    from .critic import Critic
    from .data import load_examples
    from .evaluation import evaluate_examples, render_report
    from .schema import TASK_BY_CLI as TASK_CLI

    try:
        tname = TASK_CLI[task] if task else None
        examples = [e for p in data_paths for e in load_examples(p, task=tname, data_format=data_format, text_column=text_column, label_column=label_column)]
        critic = Critic.load(models_dir, max_chars=10**7, backend=backend)
        report = evaluate_examples(critic, examples)
    except RefernlpError as exc:
        _fail(str(exc))
        sys.exit(ExitCode.USAGE)
    click.echo(json.dumps(report, indent=2) if fmt == "json" else render_report(report))
