from django import template

register = template.Library()


@register.filter
def fill(text: str, number) -> str:
    """Fill {n} (or {current}) in a translated interface text."""
    return str(text).replace("{n}", str(number)).replace("{current}", str(number))


@register.simple_tag
def step(text: str, current, total) -> str:
    return str(text).replace("{current}", str(current)).replace("{total}", str(total))
