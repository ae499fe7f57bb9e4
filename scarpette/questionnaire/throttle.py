"""Throttle tablet code attempts: six digits must not be guessable.

Every attempt from one client address (core.client_ip: the woman's tablet, not the proxy) is
counted in one database row, incremented under its row lock, so parallel attempts are all counted.
Once ATTEMPTS_PER_WINDOW attempts were made in the window, every further code is refused (even the
right one) until the window ends.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from scarpette.core.client_ip import client_ip
from scarpette.core.locking import lock
from scarpette.questionnaire.models import TabletCodeAttempts

ATTEMPTS_PER_WINDOW = 10
WINDOW_SECONDS = 10 * 60


@transaction.atomic
def tablet_code_allowed(request) -> bool:
    """Count this attempt; True if it is within the limit and the code may be checked."""
    address = client_ip(request) or "unknown"
    now = timezone.now()
    window_start = now - timedelta(seconds=WINDOW_SECONDS)
    # Create the row if missing without racing the other attempts (they all lock the same row).
    TabletCodeAttempts.objects.bulk_create(
        [TabletCodeAttempts(address=address, window_started_at=now, attempts=0)],
        ignore_conflicts=True,
    )
    row = (
        lock(TabletCodeAttempts.objects.filter(address=address))
        .only("attempts", "window_started_at")
        .get()
    )
    if row.window_started_at <= window_start:
        row.attempts, row.window_started_at = 0, now
        row.save(update_fields=["attempts", "window_started_at"])
    TabletCodeAttempts.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
    # Other addresses' finished windows: nothing to keep. Rows another attempt holds are skipped
    # (waiting for them while holding ours could deadlock two attempts).
    expired = (
        TabletCodeAttempts.objects.select_for_update(skip_locked=True)
        .filter(window_started_at__lte=window_start)
        .exclude(pk=row.pk)
        .values_list("pk", flat=True)[:100]
    )
    TabletCodeAttempts.objects.filter(pk__in=list(expired)).delete()
    return row.attempts < ATTEMPTS_PER_WINDOW
