"""The CLI's settings file: ``--config FILE``, or ``.refernlp.toml`` in the current directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import ConfigError

CONFIG_NAMES = (".refernlp.toml", "refernlp.toml")
ALLOWED = ("disable", "max_chars", "fail_on", "models", "channel")


def load_cli_config(path: str | None) -> dict[str, Any]:
    """Settings from ``--config FILE`` or a ``.refernlp.toml`` in the current directory."""
    if path:
        return read_cli_config(Path(path))
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
            return read_cli_config(p)
    return {}


def read_cli_config(p: Path) -> dict[str, Any]:
    """One TOML settings file (``[tool.refernlp]`` of a ``pyproject.toml`` works too), validated."""
    import tomllib

    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read config ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: invalid TOML ({exc})") from None
    data = data.get("tool", {}).get("refernlp", data)
    unknown = set(data) - set(ALLOWED)
    if unknown:
        raise ConfigError(f"{p}: unknown setting(s) {sorted(unknown)}; allowed: {sorted(ALLOWED)}")
    if "disable" in data and not (isinstance(data["disable"], list) and all(isinstance(x, str) for x in data["disable"])):
        raise ConfigError(f"{p}: 'disable' must be a list of rule id prefixes")
    if "channel" in data:
        from ..schema import normalise_channel

        try:
            normalise_channel(data["channel"] if isinstance(data["channel"], str) else repr(data["channel"]))
        except ValueError as exc:
            raise ConfigError(f"{p}: {exc}") from None
    return data
