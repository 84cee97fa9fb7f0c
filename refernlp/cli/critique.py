"""``refernlp critique``, ``refernlp rewrite`` and ``refernlp rules``: parse, one library call per draft, render."""

from __future__ import annotations

import json
import sys

import click

from ..errors import ExitCode, RefernlpError
from ..schema import SEVERITY_RANK
from ..textio import DEFAULT_MAX_CHARS, read_draft
from .config import load_cli_config
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


def load_critic(models_dir, disable, max_chars, backend="linear"):
    from ..critic import Critic

    return Critic.load(models_dir, disable=disable, max_chars=max_chars, backend=backend)


@click.command()
@files_argument
@relationship_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="json: one object per input per line, with a 'source' key.")
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
def critique(files, relationship, fmt, disable, models_dir, max_chars, fail_on, encoding, decode_errors, config_path, no_draft, with_rewrite, backend, color) -> None:
    """Critique referral-request drafts (FILE, or - for standard input).

    \b
    Exit status: 0 ok, 1 a --fail-on threshold was reached,
    2 bad usage or input (missing, empty, binary, undecodable or too long).
    """
    try:
        cfg = load_cli_config(config_path)
        critic = load_critic(models_dir or cfg.get("models"), tuple(cfg.get("disable", ())) + tuple(disable), max_chars or cfg.get("max_chars") or DEFAULT_MAX_CHARS, backend)
    except RefernlpError as exc:
        exit_on_error(exc)
    fail_on = fail_on or cfg.get("fail_on")
    colored = use_color(color)
    status = ExitCode.OK
    threshold = SEVERITY_RANK.get(fail_on, -1) if fail_on else -1
    for i, src in enumerate(files):
        try:
            text = read_draft(src, max_chars=critic.max_chars, encoding=encoding, errors=decode_errors)
            analysis = critic.analyse(text)
            result = critic.critique(analysis, relationship=relationship)
            rewrites = critic.rewrite(analysis, relationship=relationship) if with_rewrite else None
        except RefernlpError as exc:
            fail(str(exc))
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
            click.echo(render_text("<stdin>" if src == "-" else src, result, colored, show_draft=not no_draft))
            if rewrites:
                click.echo(render_rewrites(rewrites, colored))
        if threshold >= 0 and status == ExitCode.OK and any(SEVERITY_RANK[f.severity] <= threshold for f in result.findings):
            status = ExitCode.FINDINGS
    sys.exit(status)


@click.command()
@files_argument
@relationship_option
@click.option("-n", "n", type=click.IntRange(1, 3), default=3, show_default=True, help="How many rewrites.")
@click.option("--seed", type=int, default=None, help="Vary the phrasing (default: deterministic).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="json: {source, critique, rewrites} per input per line.")
@models_option("A model directory from `refernlp train`.")
@max_chars_option(DEFAULT_MAX_CHARS)
@decoding_options
@click.option("--generator", "generator_path", type=click.Path(), default=None, help="A local seq2seq or causal language model directory whose checked paraphrases join the candidates (needs refernlp[neural]).")
@color_option
def rewrite(files, relationship, n, seed, fmt, models_dir, max_chars, encoding, decode_errors, generator_path, color) -> None:
    """Suggest improved versions of drafts, tuned to the relationship strength.

    Facts from the draft (company, role, job IDs, links, names) are kept
    verbatim; anything a good message needs but the draft lacks appears as a
    [placeholder] to fill in. With --generator, a local language model
    rewords the best suggestions; its paraphrases pass the same fact checks
    and ranking, so they replace a suggestion only where they do better.
    """
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
    for i, src in enumerate(files):
        try:
            text = read_draft(src, max_chars=max_chars, encoding=encoding, errors=decode_errors)
            analysis = critic.analyse(text)
            result = critic.critique(analysis, relationship=relationship)
            rewrites = critic.rewrite(analysis, relationship=relationship, n=n, seed=seed, generator=generator)
        except RefernlpError as exc:
            fail(str(exc))
            status = ExitCode.USAGE
            continue
        if fmt == "json":
            click.echo(json.dumps({"source": src, "critique": result.to_dict(), "rewrites": [r.to_dict() for r in rewrites]}, ensure_ascii=False))
        else:
            if i:
                click.echo("")
            click.echo(click.style(src, bold=True) if colored else src)
            click.echo(render_rewrites(rewrites, colored))
    sys.exit(status)


@click.command()
def rules() -> None:
    """List every finding id with its severity and meaning."""
    from ..findings import RULES

    for r in RULES.values():
        click.echo(f"{r.id:40} {r.severity:8} {r.description}")
