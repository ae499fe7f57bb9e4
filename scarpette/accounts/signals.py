"""Login events go to the audit log (the only place where receivers are used: auth emits them)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

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
