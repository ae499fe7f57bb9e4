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


@register.filter
def fact_label(name: str) -> str:
    """A fact id of the contract in words."""
    return vocabulary.fact_label(name)


@register.filter
def fact_labels(names) -> str:
    """Fact ids in words, comma-separated (the missing facts of a result)."""
    return vocabulary.fact_labels(names)


@register.filter
def fact_value(value, name: str) -> str:
    """`{{ value|fact_value:name }}`: a fact's value in words."""
    return vocabulary.fact_value(name, value)


@register.filter
def rules_version_words(version: str) -> str:
    """A stored rules version in words ("in vigore (versione 1.1.0)"), never its hash."""
    return vocabulary.rules_version_words(version)
