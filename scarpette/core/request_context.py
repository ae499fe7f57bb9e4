"""Where the current request came from, for the audit log (set by RequestContextMiddleware).

Services are also called from commands and tasks, where there is no request: then the context is
empty and the audit row says so.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None = None
    user_agent: str = ""
    request_id: str = ""


_current: contextvars.ContextVar[RequestInfo] = contextvars.ContextVar(
    "scarpette_request",
    default=RequestInfo(),  # noqa: B039 (frozen dataclass)
)


def current() -> RequestInfo:
    return _current.get()


def set_current(info: RequestInfo) -> contextvars.Token:
    return _current.set(info)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)
