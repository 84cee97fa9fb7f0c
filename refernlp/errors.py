"""The one place for refernlp's exceptions and CLI exit codes."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit statuses of the ``refernlp`` command."""

    OK = 0
    FINDINGS = 1  #: ``--fail-on`` threshold reached
    USAGE = 2  #: bad usage, bad input, bad model or bad data


class RefernlpError(Exception):
    """Base class of every error refernlp raises on purpose."""

    exit_code: ExitCode = ExitCode.USAGE


class InputError(RefernlpError, ValueError):
    """A draft that cannot be critiqued: empty, too long, binary, undecodable..."""


class ModelError(RefernlpError):
    """A model directory that is missing, malformed, tampered with or unsafe."""


class DataError(RefernlpError, ValueError):
    """Training or evaluation data that fails validation."""


class ConfigError(RefernlpError, ValueError):
    """A configuration file or option that is invalid."""


class MissingExtraError(RefernlpError, ImportError):
    """An optional dependency (an extra) is needed but not installed."""


class RequestError(InputError):
    """An HTTP request that ``refernlp serve`` refuses: ``status`` is the HTTP status, ``code`` a stable error code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = int(status)
        self.code = code
