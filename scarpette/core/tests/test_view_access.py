"""Every view declares who may enter it (core.access / accounts.decorators), in one style.

The declaration is the check: a view without one fails here, so a new page cannot rely on a
selector or an `if` deep inside to keep people out.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from scarpette.accounts.decorators import permission_required
from scarpette.accounts.permissions import Perm
from scarpette.core.access import Access, public, signed_in

# Third-party pages with their own rules: allauth's login, password and two-factor flows.
THIRD_PARTY = ("allauth.",)


def project_views():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                namespace = f"{pattern.namespace}:" if pattern.namespace else ""
                yield from walk(pattern.url_patterns, prefix + namespace)
            elif isinstance(pattern, URLPattern):
                yield prefix + (pattern.name or str(pattern.pattern)), pattern.callback

    for name, callback in walk(get_resolver().url_patterns):
        if not callback.__module__.startswith(THIRD_PARTY):
            yield name, callback


def test_every_view_declares_who_may_enter():
    views = dict(project_views())
    assert len(views) > 50
    undeclared = sorted(name for name, view in views.items() if not hasattr(view, "access"))
    assert undeclared == []


def test_declarations_name_real_permissions_and_public_views_say_why():
    for name, view in project_views():
        access: Access = view.access
        assert access.kind in {"permission", "signed_in", "public"}, name
        if access.kind == "permission":
            assert access.perms and all(isinstance(p, Perm) for p in access.perms), name
        if access.kind == "public":
            assert len(access.reason) > 10, name


def test_only_the_expected_views_are_public():
    public_views = sorted(name for name, view in project_views() if view.access.kind == "public")
    assert public_views == [
        "account_logout",
        "core:accessibility",
        "core:health",
        "core:legal",
        "core:privacy",
        "questionnaire:tablet",
        "questionnaire:tablet_exit",
        "questionnaire:tablet_pause",
        "set_language",
    ]


def test_the_declaration_survives_other_decorators():
    def view(request):
        return None

    assert permission_required(Perm.CASE_VIEW)(view).access.perms == (Perm.CASE_VIEW,)
    assert signed_in(view).access.kind == "signed_in"
    declared = public("a reason long enough")(lambda request: None)
    assert declared.login_required is False
