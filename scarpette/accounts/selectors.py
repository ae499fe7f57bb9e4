"""Reads of accounts and organisations, scoped to what the user manages."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from scarpette.accounts.models import Organisation, User
from scarpette.accounts.permissions import Perm, active_membership, has_perm


def centre_staff_list_for_user(*, user) -> QuerySet[User]:
    """Everyone in the referent's centre, active or not. Permission: centre.staff_manage."""
    if not has_perm(user, Perm.CENTRE_STAFF_MANAGE):
        return User.objects.none()
    return (
        User.objects.filter(membership__organisation_id=active_membership(user).organisation_id)
        .select_related("membership")
        .order_by("full_name")
    )


def account_list_for_user(*, user, query: str = "") -> QuerySet[User]:
    """All accounts, for administrators. Permission: platform.account_manage."""
    if not has_perm(user, Perm.ACCOUNT_MANAGE):
        return User.objects.none()
    qs = User.objects.select_related("membership", "membership__organisation")
    query = query.strip()
    if query:
        qs = qs.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    return qs.order_by("full_name", "id")


def account_get_for_user(*, user, public_id) -> User:
    qs = User.objects if has_perm(user, Perm.ACCOUNT_MANAGE) else User.objects.none()
    return qs.select_related("membership", "membership__organisation").get(public_id=public_id)


def organisation_list_for_user(*, user) -> QuerySet[Organisation]:
    if not has_perm(user, Perm.ORGANISATION_MANAGE):
        return Organisation.objects.none()
    return Organisation.objects.order_by("kind", "name")


def organisation_get_for_user(*, user, public_id) -> Organisation:
    qs = (
        Organisation.objects
        if has_perm(user, Perm.ORGANISATION_MANAGE)
        else Organisation.objects.none()
    )
    return qs.get(public_id=public_id)


def can_manage_accounts(user) -> bool:
    return has_perm(user, Perm.ACCOUNT_MANAGE)
