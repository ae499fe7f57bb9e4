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
def duration_words(delta) -> str:
    """A response time in words: "meno di un'ora", "1 ora", "2,5 ore" (never "0,0 ore")."""
    from django.utils.formats import number_format
    from django.utils.translation import gettext, ngettext

    if delta is None:
        return ""
    hours = round(delta.total_seconds() / 3600, 1)
    if hours < 1:
        return gettext("meno di un'ora")
    shown = number_format(hours, decimal_pos=0 if hours.is_integer() else 1)
    return ngettext("%(hours)s ora", "%(hours)s ore", 1 if hours == 1 else 2) % {"hours": shown}


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


@register.filter
def waiting_since(moment):
    """How long since `moment`, in words: "meno di un'ora", "5 ore", "3 giorni"."""
    from scarpette.core.timewords import waiting_since as words

    return words(moment)


# Rendered fragments that depend only on the values named in the tag and the active language
# (the main menu by the user's permissions and the page's section, the footer): rendered once per
# process and key, then reused. Nothing personal may go in: the key is the whole of what the
# fragment may read. Bounded so that no key space can grow without limit.
_FRAGMENTS: dict[tuple, str] = {}
_FRAGMENTS_MAX = 512


@register.simple_tag
def shared_fragment(template_name: str, **values):
    """`{% shared_fragment "core/_footer.html" %}`, `{% shared_fragment "core/_nav.html"
    user_perms=user_perms nav_active=nav_active %}`: the template rendered with only `values`."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe
    from django.utils.translation import get_language

    key = (
        template_name,
        get_language(),
        tuple(
            sorted(
                (name, frozenset(value) if isinstance(value, set) else value)
                for name, value in values.items()
            )
        ),
    )
    html = _FRAGMENTS.get(key)
    if html is None:
        html = render_to_string(template_name, values)
        if len(_FRAGMENTS) >= _FRAGMENTS_MAX:
            _FRAGMENTS.clear()
        _FRAGMENTS[key] = html
    return mark_safe(html)  # noqa: S308 - a template's own output, autoescaped when rendered
