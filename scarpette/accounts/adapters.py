from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter

from scarpette.core import crypto


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by referents and administrators, never by sign-up."""

    def is_open_for_signup(self, request):
        return False


class MfaAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery seeds are stored encrypted with the platform's field keys."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text, context="mfa.secret")

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text, context="mfa.secret")
