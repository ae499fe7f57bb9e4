from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import (
    AUTHENTICATION_METHODS_SESSION_KEY,
    get_authentication_records,
)
from allauth.mfa.adapter import DefaultMFAAdapter
from django.core.exceptions import PermissionDenied

from scarpette.core import crypto
from scarpette.core.client_ip import client_ip

# The steps of a sign-in that prove she holds the account (allauth's method names).
_SIGN_IN_PROOFS = {"password", "mfa"}


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by referents and administrators, never by sign-up."""

    def is_open_for_signup(self, request):
        return False

    def post_login(self, request, user, **kwargs):
        """A complete sign-in (password, then the second factor where she has one) counts as a
        recent authentication for the re-authentication gate.

        allauth 65 records the sign-in steps in the session but only honours records flagged
        `reauthenticated`, so a transmission to INPS right after signing in asked for the password
        again. post_login runs only once every stage (MFA included) has passed.
        """
        records = get_authentication_records(request, user)
        if records:
            request.session[AUTHENTICATION_METHODS_SESSION_KEY] = [
                {**record, "reauthenticated": True}
                if record.get("method") in _SIGN_IN_PROOFS
                else record
                for record in records
            ]
        return super().post_login(request, user, **kwargs)

    def get_client_ip(self, request) -> str:
        """The platform's one notion of the client's address (login and reset throttles)."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip


class MfaAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery seeds are stored encrypted with the platform's field keys."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text, context="mfa.secret")

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text, context="mfa.secret")
