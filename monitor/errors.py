"""The exception hierarchy: every error a user can see carries what they need to act on it."""

from __future__ import annotations


class MonitorError(Exception):
    """Root of every error the monitor raises on purpose."""


class ConfigError(MonitorError, ValueError):
    """The configuration file is missing, unreadable or invalid."""

    def __init__(self, message: str, *, path: str | None = None, key: str | None = None,
                 line: int | None = None) -> None:
        self.path = path
        self.key = key
        self.line = line
        self.problem = message
        where = path or "config"
        if line is not None:
            where += f", line {line}"
        if key:
            where += f": {key}"
        super().__init__(f"{where}: {message}")


class FetchError(MonitorError):
    """A page could not be fetched (network, HTTP status, size, content type)."""

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None,
                 transient: bool = True) -> None:
        self.url = url
        self.status = status
        self.transient = transient
        super().__init__(message)


class ExtractError(MonitorError):
    """A fetched page could not be reduced to a document."""


class StoreError(MonitorError):
    """The storage root could not be read or written (full disk, permissions, corruption)."""


class LockedError(StoreError):
    """Another process holds the lock this one needs."""


class NotifyError(MonitorError):
    """An alert could not be delivered through a channel."""

    def __init__(self, message: str, *, channel: str | None = None, retryable: bool = True) -> None:
        self.channel = channel
        self.retryable = retryable
        super().__init__(message)


class UsageError(MonitorError):
    """The command line asks for something that does not exist (an unknown source id or version)."""
