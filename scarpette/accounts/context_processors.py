from django.conf import settings

from scarpette.accounts.permissions import active_membership, permissions_of


def platform(request):
    user = getattr(request, "user", None)
    membership = active_membership(user) if user is not None else None
    return {
        "is_demo": settings.IS_DEMO,
        "membership": membership,
        "user_perms": {str(p) for p in permissions_of(user)} if user is not None else set(),
        "csp_nonce": getattr(request, "csp_nonce", ""),
        "quick_exit_url": settings.QUICK_EXIT_URL,
        # Seconds before the staff session lapses (set by SessionTimeoutMiddleware); drives the
        # warning shown two minutes before.
        "session_expires_in": getattr(request, "session_expires_in", None),
        "session_warn_before": settings.SESSION_WARN_BEFORE_SECONDS,
    }
