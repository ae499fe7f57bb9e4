"""View decorators built on the one permission table.

Every view of the platform declares who may enter it, with exactly one of these (a test walks
the URL resolver and fails on a view without one):

- `permission_required(P, *alternatives)` — the user holds P (or one alternative), else 403.
  A view that reaches one object then lets the scope answer 404 for "not yours", and checks a
  finer action after the scope (`require`) so that "visible but not allowed" is 403;
- `sensitive_action(P)` — the same, then a recent re-authentication;
- `signed_in` — any signed-in member (her own dashboard, her own session), from core.access;
- `public(reason)` — no login (the health check, signing out, the tablet, whose own claim is
  checked by its views), from core.access.

Services re-check permissions (they are reached from commands and tasks too); selectors only
scope querysets.
"""

from __future__ import annotations

from functools import wraps

from allauth.account.decorators import reauthentication_required

from scarpette.accounts.permissions import Perm, has_perm, require
from scarpette.core.access import Access, mark


def permission_required(perm: Perm, *alternatives: Perm):
    """403 unless the user holds `perm` or one of the `alternatives` (login itself is enforced
    by middleware)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not any(has_perm(request.user, other) for other in alternatives):
                require(request.user, perm)
            return view(request, *args, **kwargs)

        return mark(wrapper, Access("permission", (perm, *alternatives)))

    return decorator


def sensitive_action(perm: Perm):
    """Permission first (an outsider gets 403, not a password prompt), then a recent
    re-authentication (password or second factor within REAUTHENTICATION_SECONDS)."""

    def decorator(view):
        wrapped = permission_required(perm)(reauthentication_required(view))
        return mark(wrapped, Access("permission", (perm,), reauthentication=True))

    return decorator
