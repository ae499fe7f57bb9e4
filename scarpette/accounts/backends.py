"""The authentication backend: allauth's, reading the user with her membership and organisation."""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model


class AuthenticationBackend(AllauthBackend):
    """allauth's backend; `get_user` (once per request) joins the membership and its organisation.

    The access gates read `user.membership` and `membership.organisation` on every request: one
    query instead of three. They are still read fresh on every request, so a role or an
    organisation deactivated is seen at the very next one.
    """

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("membership__organisation").get(
                pk=user_id
            )
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
