"""Errors a user can act on: each carries one Dutch line and the exit code the CLI uses."""

from __future__ import annotations


class KoersError(Exception):
    """An expected failure; the CLI prints ``message`` as one line, never a traceback."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(KoersError):
    """``koers.toml`` is missing, unreadable or wrong; names the file and the key."""

    exit_code = 2


class EngineError(KoersError):
    """The warehouse cannot be reached or refused a statement."""

    exit_code = 2


class PackError(KoersError):
    """A pack declares something inconsistent (a duplicate metric, a bad formula)."""

    exit_code = 2


class ContractError(KoersError):
    """A source file breaks its contract as a whole and is refused."""


class SourceError(KoersError):
    """A source system could not be read: unreachable, refusing, or answering nonsense."""


class PipelineError(KoersError):
    """A step of ``koers run`` failed; the run log has the details."""


class AccessDenied(KoersError):
    """The requesting user may not see what was asked."""


class LoginRequired(AccessDenied):
    """An anonymous visitor asked for a page that needs an account: pages send them to log in."""


class QueryError(KoersError):
    """A metric request is malformed (unknown dimension, bad date)."""


class NotFound(QueryError):
    """What was asked for does not exist (an unknown metric or table id): HTTP 404, not 400."""
