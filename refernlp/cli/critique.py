"""``refernlp critique``, ``refernlp rewrite``, ``refernlp rules`` and ``refernlp explain``: parse, one library call per draft, render."""

from __future__ import annotations

import json
import os
import sys

import click

from ..errors import ExitCode, RefernlpError
from ..explain import check_disable
from ..schema import CHANNEL_CLI, SEVERITY_RANK
from ..textio import DEFAULT_MAX_CHARS, read_draft
from .config import load_cli_config
from .formats import line_report, sarif_log
from .options import (
    backend_option,
    color_option,
    decoding_options,
    exit_on_error,
    fail,
    files_argument,
    max_chars_option,
    models_option,
    relationship_option,
    use_color,
)
from .render import render_rewrites, render_text

#: output formats of ``refernlp critique``
CRITIQUE_FORMATS = ("text", "json", "sarif", "line")
channel_option = click.option(
    "--channel",
    type=click.Choice(tuple(CHANNEL_CLI), case_sensitive=False),
    default=None,
    help="Where the draft will be sent, which decides the length advice: email (words), linkedin and chat (characters), "
    "linkedin-note (300-character limit), text (SMS, short). auto (the default) tells an email from a message by its layout.",
)


def load_critic(models_dir, disable, max_chars, backend="linear"):
    from ..critic import Critic

    return Critic.load(models_dir, disable=disable, max_chars=max_chars, backend=backend)


@click.command()
@files_argument
@relationship_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(CRITIQUE_FORMATS),
    default="text",
    show_default=True,
    help="json: one object per input per line, with a 'source' key; sarif: one SARIF 2.1.0 log for all inputs (code scanning); line: PATH:LINE:COL: SEVERITY: MESSAGE [RULE_ID] per finding (editors).",
)
@channel_option
@click.option("--disable", multiple=True, metavar="ID_PREFIX", help="Hide findings whose id starts with this prefix (repeatable), e.g. 'length.' or 'courtesy.no_easy_out'.")
@models_option()
@max_chars_option(None)
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default=None, help="Exit 1 when a finding of this severity (or worse) exists.")
@decoding_options
@click.option("--config", "config_path", type=click.Path(), help="TOML file with disable / max_chars / fail_on / models (default: ./.refernlp.toml if present).")
@click.option("--no-draft", is_flag=True, help="Text format: do not echo the marked-up draft.")
@click.option("--rewrite", "with_rewrite", is_flag=True, help="Also print suggested rewrites (see `refernlp rewrite`).")
@backend_option()
@color_option
def critique(files, relationship, fmt, channel, disable, models_dir, max_chars, fail_on, encoding, decode_errors, config_path, no_draft, with_rewrite, backend, color) -> None:
    """Critique referral-request drafts (FILE, or - for standard input).

    \b
    Exit status: 0 ok, even with error-level findings, unless --fail-on
    is given; 1 a --fail-on threshold was reached; 2 bad usage or input
    (missing, empty, binary, undecodable or too long).
    """
    if with_rewrite and fmt not in ("text", "json"):
        raise click.UsageError(f"--rewrite works with --format text or json, not {fmt}")
    try:
        cfg = load_cli_config(config_path)
        check_disable(disable, "--disable")
        check_disable(cfg.get("disable", ()), f"disable of {config_path or 'the config file'}")
        critic = load_critic(models_dir or cfg.get("models"), tuple(cfg.get("disable", ())) + tuple(disable), max_chars or cfg.get("max_chars") or DEFAULT_MAX_CHARS, backend)
    except RefernlpError as exc:
        exit_on_error(exc)
    fail_on = fail_on or cfg.get("fail_on")
    channel = channel or cfg.get("channel") or "auto"
    colored = use_color(color)
    status = ExitCode.OK
    threshold = SEVERITY_RANK.get(fail_on, -1) if fail_on else -1
    reports, failures = [], []
    for i, src in enumerate(files):
        try:
            text = read_draft(src, max_chars=critic.max_chars, encoding=encoding, errors=decode_errors)
            analysis = critic.analyse(text)
            result = critic.critique(analysis, relationship=relationship, channel=channel)
            rewrites = critic.rewrite(analysis, relationship=relationship) if with_rewrite else None
        except RefernlpError as exc:
            fail(str(exc))
            failures.append((src, str(exc)))
            status = ExitCode.USAGE
            continue
        if fmt == "sarif":
            reports.append((src, result))
        elif fmt == "line":
            for line in line_report(src, result):
                click.echo(line)
        elif fmt == "json":
            obj = {"source": src, **result.to_dict()}
            if rewrites is not None:
                obj["rewrites"] = [r.to_dict() for r in rewrites]
            click.echo(json.dumps(obj, ensure_ascii=False, sort_keys=False))
        else:
            if i:
                click.echo("")
            click.echo(render_text("<stdin>" if src == "-" else src, result, colored, show_draft=not no_draft))
            if rewrites:
                click.echo(render_rewrites(rewrites, colored))
        if threshold >= 0 and status == ExitCode.OK and any(SEVERITY_RANK[f.severity] <= threshold for f in result.findings):
            status = ExitCode.FINDINGS
    if fmt == "sarif":
        click.echo(json.dumps(sarif_log(reports, failures), ensure_ascii=False, indent=2))
    sys.exit(status)


@click.command()
@files_argument
@relationship_option
@click.option("-n", "n", type=click.IntRange(1, 3), default=3, show_default=True, help="How many rewrites.")
@click.option("--seed", type=int, default=None, help="Vary the inserted phrasing (default: deterministic).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="json: {source, critique, rewrites} per input per line.")
@channel_option
@click.option("--mutual", "mutual", metavar="NAME", default=None, help="The mutual contact who could introduce you (second-degree drafts that name none).")
@click.option("--plain", is_flag=True, help="Print only the text of the top rewrite, ready to paste.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), default=None, help="Write the top rewrite's text to this file (one input only).")
@click.option("--force", is_flag=True, help="With -o: overwrite an existing file.")
@models_option("A model directory from `refernlp train`.")
@max_chars_option(DEFAULT_MAX_CHARS)
@decoding_options
@click.option("--generator", "generator_path", type=click.Path(), default=None, help="A local seq2seq or causal language model directory that may reword the inserted sentences, behind the same checks (needs refernlp[neural]).")
@color_option
def rewrite(files, relationship, n, seed, fmt, channel, mutual, plain, output, force, models_dir, max_chars, encoding, decode_errors, generator_path, color) -> None:
    """Edit drafts into better ones, keeping your own words, facts and purpose.

    Sentences no finding flags are kept verbatim; flagged phrases are
    rewritten in place and what is missing (thanks, an easy out, a resume
    offer) is added, with [placeholders] for what only you can fill in. The
    text comes first, ready to paste, then each edit with its reason. A draft
    with no warning comes back unchanged, "ready to send".
    """
    if output is not None and len(files) != 1:
        fail("-o/--output takes one input file")
        sys.exit(ExitCode.USAGE)
    if output is not None and os.path.exists(output) and not force:
        fail(f"{output}: already exists (pass --force to overwrite)")
        sys.exit(ExitCode.USAGE)
    try:
        critic = load_critic(models_dir, (), max_chars)
        generator = None
        if generator_path is not None:
            from ..rewrite import Generator

            generator = Generator(generator_path)
    except RefernlpError as exc:
        exit_on_error(exc)
    colored = use_color(color)
    status = ExitCode.OK
    channel = None if channel in (None, "auto") else channel
    for i, src in enumerate(files):
        try:
            text = read_draft(src, max_chars=max_chars, encoding=encoding, errors=decode_errors)
            analysis = critic.analyse(text)
            result = critic.critique(analysis, relationship=relationship, channel=channel or "auto")
            rewrites = critic.rewrite(analysis, relationship=relationship, n=n, seed=seed, generator=generator, mutual=mutual, channel=channel)
        except RefernlpError as exc:
            fail(str(exc))
            status = ExitCode.USAGE
            continue
        if output is not None:
            try:
                with open(output, "w" if force else "x", encoding="utf-8") as fh:
                    fh.write(rewrites[0].text if rewrites[0].text.endswith("\n") else rewrites[0].text + "\n")
            except OSError as exc:
                fail(f"{output}: cannot write ({exc.strerror or exc})")
                sys.exit(ExitCode.USAGE)
        if fmt == "json":
            click.echo(json.dumps({"source": src, "critique": result.to_dict(), "rewrites": [r.to_dict() for r in rewrites]}, ensure_ascii=False))
        elif plain:
            click.echo(rewrites[0].text.rstrip("\n"))
        elif output is None or len(files) > 1:
            if i:
                click.echo("")
            click.echo(click.style(src, bold=True) if colored else src)
            click.echo(render_rewrites(rewrites, colored))
    sys.exit(status)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="json: a list of {id, severity, description, checks, source}.")
def rules(fmt) -> None:
    """List every finding id with its severity and meaning."""
    from ..explain import rule_summary
    from ..findings import RULES

    if fmt == "json":
        click.echo(json.dumps([rule_summary(r) for r in RULES.values()], ensure_ascii=False, indent=2))
        return
    for r in RULES.values():
        click.echo(f"{r.id:40} {r.severity:8} {r.description}")
    click.echo("\n`refernlp explain ID` says what a rule checks, why, with examples; `--disable ID_PREFIX` switches rules off.")


def _show_example(label: str, ex) -> list[str]:
    import textwrap

    if ex is None:
        return []
    judged = [f"{ex.request_type} request" if ex.request_type != "none" else "no request", f"{ex.relationship.replace('_', '-')} tie"]
    if getattr(ex, "transparency", None):
        judged.append(f"{ex.transparency} transparency")
    if getattr(ex, "politeness", "neutral") != "neutral":
        judged.append(f"{ex.politeness} in tone")
    if ex.channel:
        judged.append(f"channel {ex.channel}")
    text = ex.text if len(ex.text) <= 400 else ex.text[:200].rstrip() + f"… [{len(ex.text):,} characters in all]"
    body = []
    for para in text.split("\n"):
        body.extend(textwrap.wrap(para, 92) or [""])
    return [f"{label} (judged as a {', '.join(judged)}):", *("  │ " + line for line in body)]


@click.command()
@click.argument("rule_id", metavar="RULE_ID")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def explain(rule_id, fmt) -> None:
    """Explain a finding (RULE_ID, e.g. politeness.command) or a politeness strategy (e.g. please_start).

    Prints what it checks, why (with the source of the advice), a draft it
    flags and one it passes, and how to switch it off.
    """
    from ..explain import explain as explain_rule
    from ..explain import explain_strategy, nearest
    from ..findings import RULES
    from ..resources import lexicon

    strategy = None if rule_id.strip() in RULES else explain_strategy(rule_id)
    if strategy is not None:
        if fmt == "json":
            click.echo(json.dumps(strategy.to_dict(), ensure_ascii=False))
            return
        click.echo(f"{strategy.name}  (politeness strategy, {strategy.polarity})")
        click.echo(f"  {strategy.gloss}")
        click.echo("  Source: the politeness strategies of Danescu-Niculescu-Mizil et al., ACL 2013, extended for referral requests.")
        if strategy.rule:
            click.echo(f"  Raises the finding {strategy.rule}: see `refernlp explain {strategy.rule}`.")
        return
    try:
        ex = explain_rule(rule_id)
    except RefernlpError:
        names = list(RULES) + list(lexicon("strategies")["strategies"])
        near = nearest(rule_id, names)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        exit_on_error(RefernlpError(f"unknown rule id {rule_id!r}{hint} (`refernlp rules` lists every id)"))
    if fmt == "json":
        click.echo(json.dumps(ex.to_dict(), ensure_ascii=False))
        return
    out = [f"{ex.id}  ({ex.severity})", f"  {ex.description}", "", "What it checks:", f"  {ex.checks}", "", "Why:", f"  {ex.why}", f"  Source: {ex.source}.", ""]
    out += _show_example("Flagged", ex.flagged) + [""] + _show_example("Passes", ex.passing)
    out += ["", "Switch it off:", f"  {ex.disable}"]
    click.echo("\n".join(out))
