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
