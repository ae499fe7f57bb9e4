"""The audit actions this app writes, in words (scarpette.audit.actions)."""

from django.utils.translation import gettext_lazy as _

from scarpette.audit.actions import register

register(
    {
        # benchmark_scale measures appends to the chain on a throw-away database.
        "bench.event": _("Evento di prova delle prestazioni"),
    }
)
