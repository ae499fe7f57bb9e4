"""View decorators built on the one permission table."""

from __future__ import annotations

from functools import wraps

from allauth.account.decorators import reauthentication_required

from scarpette.accounts.permissions import Perm, has_perm, require


def permission_required(perm: Perm, *alternatives: Perm):
    """403 unless the user holds `perm` or one of the `alternatives` (login itself is enforced
    by middleware)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not any(has_perm(request.user, other) for other in alternatives):
                require(request.user, perm)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def sensitive_action(perm: Perm):
    """Permission first (an outsider gets 403, not a password prompt), then a recent
    re-authentication (password or second factor within REAUTHENTICATION_SECONDS)."""

    def decorator(view):
        return permission_required(perm)(reauthentication_required(view))

    return decorator
