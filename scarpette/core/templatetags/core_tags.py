from django import template

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
