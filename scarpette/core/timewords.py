"""Waiting times and due dates in words ("meno di un'ora", "3 giorni", "scaduta da 2 giorni"),
for the work queue and the INPS lists: never "0,0 ore", never a bare number of hours."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext, ngettext


def waiting_words(delta: timedelta | None) -> str:
    """A waiting time in words: under an hour, then hours, then whole days."""
    if delta is None:
        return ""
    seconds = max(delta.total_seconds(), 0)
    if seconds < 3600:
        return gettext("meno di un'ora")
    hours = int(seconds // 3600)
    if hours < 24:
        return ngettext("%(n)d ora", "%(n)d ore", hours) % {"n": hours}
    days = hours // 24
    return ngettext("%(n)d giorno", "%(n)d giorni", days) % {"n": days}


def waiting_since(moment: datetime | None, now: datetime | None = None) -> str:
    if moment is None:
        return ""
    return waiting_words((now or timezone.now()) - moment)


def due_words(due: date, today: date) -> str:
    """A due date in words, with how far it is: "scade tra 3 giorni (5 dicembre 2026)"."""
    days = (due - today).days
    shown = date_format(due, "j F Y")
    if days < 0:
        return ngettext(
            "scaduta da %(n)d giorno (%(date)s)", "scaduta da %(n)d giorni (%(date)s)", -days
        ) % {"n": -days, "date": shown}
    if days == 0:
        return gettext("scade oggi (%(date)s)") % {"date": shown}
    return ngettext(
        "scade tra %(n)d giorno (%(date)s)", "scade tra %(n)d giorni (%(date)s)", days
    ) % {"n": days, "date": shown}
