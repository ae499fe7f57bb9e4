from django import template
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()

# The controls of the questionnaire page in the staff interface's language (Italian), keyed as
# the woman's texts in tablet_i18n.yaml. Placeholders {n}, {current}, {total} as there.
STAFF_TEXTS = {
    "next": _("Avanti"),
    "back": _("Indietro"),
    "save": _("Salva e continua dopo"),
    "finish": _("Concludi e calcola"),
    "errors_summary": _("Controlla le risposte segnalate."),
    "add_child": _("Aggiungi un figlio o una figlia"),
    "remove_child": _("Rimuovi il figlio o la figlia"),
    "child_n": _("Figlio o figlia n. {n}"),
    "step": _("Passo {current} di {total}"),
}


def _fill(text, values: dict) -> str:
    text = str(text)
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


@register.simple_tag
def step(text: str, current, total) -> str:
    return str(text).replace("{current}", str(current)).replace("{total}", str(total))


@register.simple_tag(takes_context=True)
def control(context, key: str, **values):
    """A control's text (button, step counter, error summary) for whoever reads the page.

    On the tablet (mode "self") the woman reads it in her language only. On the operator's page
    it is in the staff interface's language, with the woman's language beside it (a secondary
    line with its own lang and dir) when she reads along in another language.
    """
    hers = _fill(context["texts"][key], values)
    if context.get("mode") == "self":
        return hers
    ours = _fill(STAFF_TEXTS[key], values)
    lang = context.get("lang", "it")
    interface = (get_language() or "it").split("-")[0]
    if lang == interface or hers == ours:
        return ours
    return format_html(
        '{} <span class="q-translation" lang="{}" dir="{}">{}</span>',
        ours,
        lang,
        context.get("dir", "ltr"),
        hers,
    )
