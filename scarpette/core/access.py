"""Who may enter a view, declared on the view itself.

Every view of the platform carries exactly one declaration (a test walks the URL resolver and
fails on a view without one): `signed_in` or `public` here, or a permission from
`scarpette.accounts.decorators` (`permission_required`, `sensitive_action`), which builds on the
one role table. The declaration is both the check and what the tests and docs read.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_not_required


@dataclass(frozen=True)
class Access:
    kind: str  # "permission" | "signed_in" | "public"
    perms: tuple[str, ...] = ()
    reauthentication: bool = False
    reason: str = ""


def mark(view, access: Access):
    view.access = access
    return view


def signed_in(view):
    """Any signed-in member with an active role (the middleware has checked both): her own
    dashboard, her own session."""
    return mark(view, Access("signed_in"))


def public(reason: str):
    """No login: `reason` says why, and what protects the view instead."""

    def decorator(view):
        return mark(login_not_required(view), Access("public", reason=reason))

    return decorator


def renews_session(view):
    """The view moves the session's idle deadline even when it moved a moment ago ("Continua a
    lavorare"): other requests move it at most once a minute (accounts.middleware)."""
    view.renews_session = True
    return view
