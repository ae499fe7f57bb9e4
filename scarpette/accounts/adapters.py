from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.core.exceptions import PermissionDenied

from scarpette.core import crypto
from scarpette.core.client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by referents and administrators, never by sign-up."""

    def is_open_for_signup(self, request):
        return False

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
