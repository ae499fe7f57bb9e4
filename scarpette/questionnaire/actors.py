"""Who acts when no one is signed in: the centre's tablet, holding one questionnaire.

The woman answering on the tablet has no account. The tablet view proves that it holds a session
(claimed with the operator's code, kept in the tablet's own session cookie) and hands the services
a `TabletActor` for that session alone. Services accept it only for that session and only for the
tablet's own steps; `actor=None` is never taken as the tablet (in the audit log None is the
platform itself: commands and scheduled jobs).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class TabletActor:
    session_public_id: UUID

    # What the audit log reads of an actor: no account, not signed in.
    pk = None
    is_authenticated = False

    def holds(self, session) -> bool:
        return str(session.public_id) == str(self.session_public_id)


def is_tablet(actor) -> bool:
    return isinstance(actor, TabletActor)
