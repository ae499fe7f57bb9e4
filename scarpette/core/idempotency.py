"""One submission, one effect: idempotency keys for forms that create or send something.

Every such form carries a hidden `idempotency_key` with a fresh UUID (`{% idempotency_field %}`).
The service claims the key *inside its own transaction*, before doing anything else: it inserts an
`IdempotencyKey` row, unique on (actor, key). A second submission of the same form (double click,
replay, retry after a timeout, the same page re-posted from another tab) collides on that unique
index; on PostgreSQL a concurrent one waits for the first transaction to commit and then fails.
Either way it raises `AlreadySubmitted` carrying the first result, and nothing is done twice.

If the service fails, its transaction rolls back the key as well, so the corrected form can be
sent again with the same key. A form posted without a key (an old tab, a hand-made request) is
refused with `StaleForm`, a ValidationError asking to reload the page: never a 500, never a
duplicate. Services called from code (commands, the demo, tests) pass no key at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scarpette.core.models import IdempotencyKey

FIELD_NAME = "idempotency_key"
KEEP_DAYS = 7

DUPLICATE_MESSAGE = gettext_lazy("Già inviato: nessun duplicato creato.")


class StaleForm(ValidationError):
    """The form had no valid key: the page must be reloaded before sending it."""

    def __init__(self):
        super().__init__(
            _("Questo modulo non è più valido: ricarica la pagina e invialo di nuovo."),
            code="stale_form",
        )


class AlreadySubmitted(Exception):  # noqa: N818 (a condition, not an error)
    """This very form was already sent by the same person; `result_ref` is what it produced."""

    def __init__(self, result_ref: str):
        super().__init__(result_ref)
        self.result_ref = result_ref


class AlreadyDone(Exception):  # noqa: N818 (a condition, not an error)
    """A state transition that has already happened (acknowledged, claimed, closed): nothing is
    written and nothing is sent again; the message says so in words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def key_from_request(request) -> str:
    """The key the form carried ('' when absent: the service then refuses with StaleForm)."""
    return request.POST.get(FIELD_NAME, "")


def submit_and_report(request, action: Callable[[], object], *, success: str) -> bool:
    """Run the service of a form that redirects whatever happens, and say in a message how it
    went: done (`success`), already sent (no duplicate), already done, or refused (the
    ValidationError's messages). True when the service did its work."""
    try:
        action()
    except AlreadySubmitted:
        messages.info(request, DUPLICATE_MESSAGE)
    except AlreadyDone as done:
        messages.warning(request, done.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
        return True
    return False


def new_key() -> str:
    return str(uuid.uuid4())


def idempotency_claim(*, actor, key: str | None, scope: str) -> IdempotencyKey | None:
    """Claim `key` for `actor` and `scope` in the caller's transaction, or raise.

    None means "called from code, no form": nothing is claimed. An empty or malformed key, or a
    key already used for another kind of form, raises StaleForm; a key already used for this
    kind of form raises AlreadySubmitted with the first result.
    """
    if key is None:
        return None
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("idempotency_claim must run inside the service's transaction")
    try:
        parsed = uuid.UUID(str(key))
    except ValueError:
        raise StaleForm from None
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(actor=actor, key=parsed, scope=scope)
    except IntegrityError:
        first = IdempotencyKey.objects.filter(actor=actor, key=parsed).first()
    if first is None or first.scope != scope:
        raise StaleForm
    raise AlreadySubmitted(first.result_ref)


def idempotency_result(claim: IdempotencyKey | None, result) -> None:
    """Record what the claimed submission produced (its public id), for replays to find."""
    if claim is None:
        return
    claim.result_ref = str(getattr(result, "public_id", result))
    claim.save(update_fields=["result_ref"])


def idempotency_purge(*, now=None, keep_days: int = KEEP_DAYS) -> int:
    """Delete keys older than `keep_days` (a form kept open longer must be reloaded)."""
    cutoff = (now or timezone.now()) - timedelta(days=keep_days)
    deleted, _detail = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
