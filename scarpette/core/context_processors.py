"""The navigation's active item and the breadcrumbs, derived from the URL: no page declares them.

- `nav_active`: the URL name of the menu item the current page belongs to (the item whose path is
  the longest prefix of the current path; pages outside the menu's paths map through `SECTIONS`).
- `breadcrumbs`: the pages above this one, from the path's own prefixes that are pages with a name
  in `PARENTS` (`/percorsi/<id>/identita/` → Scrivania › Percorsi › Percorso). Empty on the
  menu's own pages, whose place the menu already shows.

No database query, no import of another app: URL names are strings.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _

# The menu's items (base.html shows those the user's permissions allow).
MENU = (
    "core:dashboard",
    "cases:case_list",
    "accounts:centre_staff",
    "cases:centre_access_log",
    "accounts:organisation_list",
    "accounts:account_list",
    "questionnaire:form_versions",
    "referrals:inbox",
    "referrals:inps_consultations",
    "screening:measure_list",
    "mfa_index",
    "notifications:demo_mail",
)
# Pages of a percorso whose path does not start with /percorsi/.
SECTIONS = {
    "/questionario/": "cases:case_list",
    "/domande/": "cases:case_list",
    "/trasmissioni/": "cases:case_list",
}
# Pages that can be a parent, with the words the breadcrumb shows.
PARENTS = {
    "cases:case_list": _("Percorsi"),
    "cases:case_detail": _("Percorso"),
    "referrals:case_inps": _("INPS"),
    "referrals:case_consultations": _("Consulenze"),
    "applications:application_list": _("Domande"),
    "referrals:inbox": _("Casella"),
    "referrals:inbox_detail": _("Caso trasmesso"),
    "referrals:inps_consultations": _("Consulenze"),
    "screening:measure_list": _("Misure"),
    "accounts:account_list": _("Account"),
    "accounts:organisation_list": _("Enti"),
    "questionnaire:form_versions": _("Questionario"),
}


def _menu_paths() -> dict[str, str]:
    paths = {}
    for name in MENU:
        try:
            paths[name] = reverse(name)
        except NoReverseMatch:
            continue
    return paths


def _name(match) -> str:
    return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name


def navigation(request) -> dict:
    path = getattr(request, "path", "")
    if not path:
        return {}
    menu = _menu_paths()
    active = ""
    best = 0
    for name, item_path in menu.items():
        matches = path == item_path if item_path == "/" else path.startswith(item_path)
        if matches and len(item_path) > best:
            active, best = name, len(item_path)
    if not active:
        active = next((n for prefix, n in SECTIONS.items() if path.startswith(prefix)), "")
    if not active and path == "/":
        active = "core:dashboard"

    crumbs = []
    segments = [s for s in path.strip("/").split("/") if s]
    for depth in range(1, len(segments)):
        prefix = "/" + "/".join(segments[:depth]) + "/"
        try:
            match = resolve(prefix)
        except Resolver404:
            continue
        label = PARENTS.get(_name(match))
        if label is not None:
            crumbs.append({"url": prefix, "label": label})
    if crumbs:
        crumbs.insert(0, {"url": menu.get("core:dashboard", "/"), "label": _("Scrivania")})
    return {"nav_active": active, "breadcrumbs": crumbs}
