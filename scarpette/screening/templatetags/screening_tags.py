"""Screening statuses and needs in words, for templates (screening.vocabulary)."""

from django import template

from scarpette.screening import vocabulary

register = template.Library()


@register.filter
def screening_status(value: str) -> str:
    """A screening status (facts.md value) in words."""
    return vocabulary.status_label(value)


@register.filter
def need_labels(values) -> str:
    """Need codes in words, comma-separated."""
    return vocabulary.need_labels(values)


@register.filter
def measure_names(values) -> str:
    """Measure ids in words (their Italian names), comma-separated."""
    from scarpette.screening.catalogue import measure_name

    return ", ".join(measure_name(v) for v in values or [])
