from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()


@register.filter
def lookup(mapping, key):
    """mapping[key] in templates (a measure id to its name, and similar); '' when absent."""
    try:
        return mapping.get(key, key)
    except AttributeError:
        return ""


@register.filter
def duration_hours(delta) -> str:
    """A timedelta as hours with one decimal (response times)."""
    if delta is None:
        return ""
    return f"{delta.total_seconds() / 3600:.1f}".replace(".", ",")


_STATUS_LABELS = {
    "eligible": _("Possibile diritto"),
    "undetermined": _("Da verificare"),
    "not_eligible": _("Non spetta"),
}
_NEED_LABELS = {
    "money": _("sostegno economico"),
    "work": _("lavoro"),
    "training": _("formazione"),
    "housing": _("casa"),
    "childcare": _("cura dei figli"),
    "legal": _("assistenza legale"),
    "health": _("salute"),
    "documents": _("documenti"),
}


@register.filter
def screening_status(value: str) -> str:
    """A screening status (facts.md value) in words."""
    return str(_STATUS_LABELS.get(value, value))


@register.filter
def need_labels(values) -> str:
    """Need codes in words, comma-separated."""
    return ", ".join(str(_NEED_LABELS.get(v, v)) for v in values or [])


@register.filter
def iso_date(value):
    """An ISO date string (as stored in JSON) as a date, for the |date filter."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return value


@register.simple_tag
def idempotency_field():
    """A hidden field with a fresh submission key: one per rendered form (see core/idempotency)."""
    from django.utils.html import format_html

    from scarpette.core.idempotency import FIELD_NAME, new_key

    return format_html('<input type="hidden" name="{}" value="{}">', FIELD_NAME, new_key())
