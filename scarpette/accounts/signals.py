"""Receivers of the signals auth and allauth emit (the only place where receivers are used).

Login events go to the audit log; removing an authenticator forgets the session's "she has a TOTP
authenticator" answer (accounts.middleware.has_totp).
"""

from allauth.mfa.signals import authenticator_removed
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from scarpette.accounts.middleware import MFA_CONFIRMED_SESSION_KEY
from scarpette.audit.services import audit_log


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_log(actor=user, action="accounts.login.succeeded")


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_log(actor=user, action="accounts.logout.succeeded")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # The attempted e-mail is not stored (it may be a woman's address typed by mistake).
    audit_log(actor=None, action="accounts.login.failed", outcome="failed")


@receiver(authenticator_removed)
def _authenticator_removed(sender, request, user, authenticator, **kwargs):
    # Asked again at her next request: the mandatory two-factor gate sees the removal at once.
    if request is not None and hasattr(request, "session"):
        request.session.pop(MFA_CONFIRMED_SESSION_KEY, None)
