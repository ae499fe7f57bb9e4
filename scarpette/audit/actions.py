"""The audit vocabulary: every action an `audit_log` call may write, with its words.

Each app declares its actions in its own `audit_actions.py` (`register({...})`), found on first
use by Django's autodiscovery, so a new capability adds its events without editing this app.
`audit_log` checks every action: with `AUDIT_ACTIONS_STRICT` (on in tests, demo and debug) an
unknown action is an error; in production it is written anyway (an event is never lost) and
reported in the server log. The access-log pages show the registered words, never the code.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

_registry: dict[str, object] = {}
_discovered = False


class UnknownAuditAction(LookupError):
    """An action no app has registered (a typo, or a new event without its words)."""


def register(actions: dict[str, object]) -> None:
    """Declare actions with their (lazily translated) labels. Re-declaring one is an error."""
    for action, label in actions.items():
        if action in _registry and _registry[action] is not label:
            raise ValueError(f"audit action registered twice: {action}")
        _registry[action] = label


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("audit_actions")


def known() -> dict[str, object]:
    _discover()
    return dict(_registry)


def check(action: str) -> None:
    _discover()
    if action in _registry:
        return
    if getattr(settings, "AUDIT_ACTIONS_STRICT", False):
        raise UnknownAuditAction(action)
    logger.error("audit action not registered: %s", action)


def label(action: str) -> str:
    """The action in words; an unregistered one (an old row) by its last word, never the code."""
    _discover()
    if action in _registry:
        return str(_registry[action])
    return str(_("Altra operazione"))
