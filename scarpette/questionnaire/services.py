"""Changes to questionnaires: versions, sessions, answers, screening runs, tablet hand-over.

Each service is one transaction, re-checks permission and scope, and writes its audit event.
Tablet actions have no signed-in user: the view proves the tablet holds the session (its claim
lives in the tablet's own session cookie) and passes a `TabletActor` for that session
(questionnaire.actors); the services record it as `via="tablet"`.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scarpette.accounts.permissions import Perm, require
from scarpette.audit.services import audit_log
from scarpette.cases.models import Case
from scarpette.cases.services import case_audit, case_lock
from scarpette.core.idempotency import AlreadyDone, idempotency_claim, idempotency_result
from scarpette.core.locking import lock
from scarpette.questionnaire import xlsform
from scarpette.questionnaire.actors import TabletActor, is_tablet
from scarpette.questionnaire.drafts import draft_discard
from scarpette.questionnaire.engine import FormRunner
from scarpette.questionnaire.mapping import AnswerError, answers_to_facts
from scarpette.questionnaire.models import (
    CaseNeed,
    FormVersion,
    QuestionnaireSession,
    ScreeningRun,
)
from scarpette.questionnaire.signals import screening_saved
from scarpette.screening.engine import screen
from scarpette.screening.facts import FactError

TABLET_CODE_MINUTES = 15
_VERSION_RE = re.compile(r"[0-9A-Za-z._-]{1,32}")
_CODE_DIGITS = "0123456789"


def _hash_code(code: str) -> str:
    return hashlib.sha256(f"tablet|{code}".encode()).hexdigest()


# --- Form versions ---------------------------------------------------------------------------


@transaction.atomic
def form_import_bundled(*, audit: bool = True) -> FormVersion:
    """Import (and publish) the repository's form definition the first time its version number is
    seen. Run after every `migrate` (post_migrate, so a deploy brings its form) and by load_demo;
    never on a page read. The post_migrate import is part of the installation, like the
    migration itself, and is not audited (its row keeps when it was published)."""
    rows = xlsform.load_rows()
    definition = xlsform.parse(rows)
    version, created = FormVersion.objects.get_or_create(
        version=definition.version,
        defaults={
            "form_id": definition.form_id,
            "rows": rows.as_dict(),
            "status": FormVersion.Status.PUBLISHED,
            "published_at": timezone.now(),
        },
    )
    if created and audit:
        audit_log(actor=None, action="questionnaire.form.imported", obj=version)
    return version


def form_current() -> FormVersion:
    """The form new sessions use: the newest published version (a read: the repository's form
    is imported by `form_import_bundled` after migrating)."""
    current = (
        FormVersion.objects.filter(status=FormVersion.Status.PUBLISHED)
        .order_by("-published_at", "-id")
        .first()
    )
    # A database migrated without its post_migrate step (restored from a dump, say).
    return current if current is not None else form_import_bundled()


def definition_of(version: FormVersion):
    return xlsform.parse_cached(version.version, version.rows)


@transaction.atomic
def form_version_upload(*, actor, data: bytes, idempotency_key: str | None = None) -> FormVersion:
    """Store an uploaded .xlsx as a draft after validation (pyxform + fact mapping).

    Permission: platform.questionnaire_manage. Raises ValidationError listing every problem.
    One upload per submitted form (idempotency key).
    """
    require(actor, Perm.QUESTIONNAIRE_MANAGE)
    claim = idempotency_claim(actor=actor, key=idempotency_key, scope="questionnaire.form.upload")
    try:
        rows = xlsform.rows_from_workbook(data)
    except xlsform.FormError as exc:
        raise ValidationError(str(exc)) from exc
    errors = xlsform.validate(rows)
    if errors:
        raise ValidationError(errors)
    definition = xlsform.parse(rows)
    # The version names the stored row (32 characters) and the download's file name (a header).
    if not _VERSION_RE.fullmatch(definition.version) or len(definition.form_id) > 64:
        raise ValidationError(
            _(
                "foglio settings: version deve avere al massimo 32 caratteri tra lettere, cifre, "
                "punto, trattino e trattino basso; form_id al massimo 64 caratteri."
            )
        )
    if FormVersion.objects.filter(version=definition.version).exists():
        raise ValidationError(
            _("La versione %(version)s esiste già: cambia il campo version nel foglio settings.")
            % {"version": definition.version}
        )
    version = FormVersion.objects.create(
        form_id=definition.form_id,
        version=definition.version,
        rows=rows.as_dict(),
        uploaded_by=actor,
    )
    audit_log(actor=actor, action="questionnaire.form.uploaded", obj=version)
    idempotency_result(claim, version)
    return version


@transaction.atomic
def form_version_publish(*, actor, version: FormVersion) -> FormVersion:
    """Publish a validated draft: new sessions use it; existing answers keep their version."""
    require(actor, Perm.QUESTIONNAIRE_MANAGE)
    version = lock(FormVersion.objects.filter(pk=version.pk)).get()
    if version.status == FormVersion.Status.PUBLISHED:
        raise AlreadyDone(_("Questa versione è già pubblicata."))
    errors = xlsform.validate(xlsform.FormRows.from_dict(version.rows))
    if errors:
        raise ValidationError(errors)
    version.status = FormVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    audit_log(actor=actor, action="questionnaire.form.published", obj=version)
    return version


# --- Sessions ----------------------------------------------------------------------------------


@transaction.atomic
def session_start(
    *, actor, case: Case, mode: str, language: str, idempotency_key: str | None = None
) -> QuestionnaireSession:
    """Start a questionnaire for a percorso. Permission: case.edit, her own centre.

    One session per submitted form (idempotency key).
    """
    require(actor, Perm.CASE_EDIT)
    claim = idempotency_claim(actor=actor, key=idempotency_key, scope="questionnaire.session.start")
    case = case_lock(actor=actor, case=case)
    form = form_current()
    definition = definition_of(form)
    if language not in {lang.code for lang in definition.languages}:
        raise ValidationError(_("Lingua non disponibile."))
    if mode not in QuestionnaireSession.Mode.values:
        raise ValidationError(_("Modalità non valida."))
    session = QuestionnaireSession.objects.create(
        case=case, form_version=form, mode=mode, language=language, started_by=actor
    )
    session.answers = {}
    session.save(update_fields=["answers_json"])
    case_audit(
        actor=actor,
        action="questionnaire.session.started",
        case=case,
        session=str(session.public_id),
        mode=mode,
        language=language,
    )
    idempotency_result(claim, session)
    return session


@dataclass
class PageOutcome:
    errors: dict[str, str] = field(default_factory=dict)
    stay: bool = False  # show the same page again (errors, or new questions appeared)
    raw: dict[str, str] = field(default_factory=dict)  # what was typed, to show it back
    finished: bool = False


def _audit_session(actor, session: QuestionnaireSession, action: str, **detail) -> None:
    case_audit(
        actor=actor,
        action=action,
        case=session.case,
        session=str(session.public_id),
        **({"via": "tablet"} if is_tablet(actor) else {}),
        **detail,
    )


def _lock_session(actor, session: QuestionnaireSession) -> QuestionnaireSession:
    # Lock order: the percorso, then its session; the form version is shared by every session
    # in the country and is only read.
    qs = QuestionnaireSession.objects.all()
    if is_tablet(actor):
        if not actor.holds(session):  # the tablet answers its own session, nothing else
            raise PermissionDenied
    else:
        require(actor, Perm.CASE_EDIT)
        qs = qs.filter(case__in=Case.objects.visible_to(actor))
    case_id = qs.filter(pk=session.pk).values_list("case_id", flat=True).first()
    if case_id is None:
        raise PermissionDenied
    lock(Case.objects.filter(pk=case_id)).get()
    locked = lock(qs.filter(pk=session.pk)).select_related("case", "form_version").first()
    if locked is None:
        raise PermissionDenied
    return locked


@transaction.atomic
def session_submit_page(
    *, actor, session: QuestionnaireSession, page: int, data, action: str, today=None
) -> PageOutcome:
    """Save one page of answers (validated on the field) and move forward or back.

    `action` is "next", "back", "save", "add_repeat" or "remove_repeat:N". Answers already saved
    are never lost; a value that breaks a rule is not stored, but `raw` lets the page show it back.
    `actor` is a `TabletActor` when the woman answers on the tablet (the view has checked the
    tablet's claim).
    """
    session = _lock_session(actor, session)
    if session.status != QuestionnaireSession.Status.IN_PROGRESS:
        raise ValidationError(_("Il questionario è già concluso."))
    runner = FormRunner(
        definition_of(session.form_version),
        session.answers,
        language=session.language,
        today=today or timezone.localdate(),
        message_language=session.language if is_tablet(actor) else "it",
    )
    page = max(0, min(page, runner.page_count - 1))
    result = runner.submit(page, data, action=action)
    before = (session.answers, session.section_index)
    session.answers = result.answers
    outcome = PageOutcome(errors=result.errors, stay=result.stay, raw=result.raw)
    if not result.errors and not result.stay:
        if action == "back":
            session.section_index = max(0, page - 1)
        elif action == "next":
            if page + 1 >= runner.page_count:
                outcome.finished = True
            else:
                session.section_index = page + 1
        else:
            session.section_index = page
    else:
        session.section_index = page
    # A refused page that changes nothing writes nothing (the answers are re-encrypted on save).
    if outcome.finished or (session.answers, session.section_index) != before:
        session.save(update_fields=["answers_json", "section_index", "updated_at"])
        _audit_session(actor, session, "questionnaire.answers.saved", page=page)
        draft_discard(actor=actor, session=session)
    if outcome.finished:
        _complete_locked(actor, session, today)
    return outcome


@transaction.atomic
def session_complete(*, actor, session: QuestionnaireSession, today=None) -> ScreeningRun:
    """Close the session, run the screening on its answers and record her needs."""
    return _complete_locked(actor, _lock_session(actor, session), today)


def _complete_locked(actor, session: QuestionnaireSession, today) -> ScreeningRun:
    # The percorso and the session are locked by the caller (the audit head may already be held:
    # nothing is locked here).
    run = _screen_session(actor, session, today or timezone.localdate())
    session.status = QuestionnaireSession.Status.COMPLETED
    session.completed_at = timezone.now()
    session.handback_code = "".join(secrets.choice(_CODE_DIGITS) for _ in range(4))
    session.tablet_code_hash = ""
    session.save(update_fields=["status", "completed_at", "handback_code", "tablet_code_hash"])
    _audit_session(actor, session, "questionnaire.session.completed")
    return run


def _screen_session(actor, session: QuestionnaireSession, today) -> ScreeningRun:
    import json

    definition = definition_of(session.form_version)
    # Answers to questions that are no longer shown never reach the screening (ODK semantics).
    answers = FormRunner(definition, session.answers, language=session.language, today=today).prune(
        session.answers
    )
    try:
        facts, needs = answers_to_facts(definition, answers)
        output = screen({**facts, "as_of": today.isoformat()})
    except (AnswerError, FactError) as exc:
        name = getattr(exc, "question", None) or getattr(exc, "fact", "")
        raise ValidationError(
            _("La risposta «%(name)s» non è valida: correggila e riprova.") % {"name": name}
        ) from exc
    run = ScreeningRun(
        case=session.case,
        session=session,
        as_of=today,
        rules_version=output["rules_version"],
        facts_json=json.dumps(facts, ensure_ascii=False, sort_keys=True, default=str),
        results_json=json.dumps(output["results"], ensure_ascii=False),
        created_by=None if is_tablet(actor) else actor,
    )
    run.save()
    CaseNeed.objects.filter(case=session.case).exclude(need__in=needs).delete()
    for need in needs:
        CaseNeed.objects.get_or_create(case=session.case, need=need, defaults={"session": session})
    screening_saved.send(sender=ScreeningRun, runs=[run])
    _audit_session(
        actor,
        session,
        "screening.run.created",
        run=str(run.public_id),
        rules_version=run.rules_version,
    )
    return run


@transaction.atomic
def session_reopen(*, actor, session: QuestionnaireSession, page: int) -> QuestionnaireSession:
    """Let the operator correct an answer after the end: the session goes back in progress."""
    session = _lock_session(actor, session)
    if is_tablet(actor):
        raise PermissionDenied
    session.status = QuestionnaireSession.Status.IN_PROGRESS
    # The page comes from the request: keep it inside the form the pages will render.
    page = max(0, min(page, len(definition_of(session.form_version).sections) - 1))
    session.section_index = page
    session.save(update_fields=["status", "section_index", "updated_at"])
    _audit_session(actor, session, "questionnaire.session.reopened", page=page)
    return session


@transaction.atomic
def session_rerun(
    *, actor, session: QuestionnaireSession, today=None, idempotency_key: str | None = None
) -> ScreeningRun:
    """Screen the same answers again (new rules, or a new date); one run per submitted form."""
    idempotency_claim(actor=actor, key=idempotency_key, scope="questionnaire.session.rerun")
    session = _lock_session(actor, session)
    if is_tablet(actor):
        raise PermissionDenied
    return _screen_session(actor, session, today or timezone.localdate())


# --- Tablet hand-over --------------------------------------------------------------------------


@transaction.atomic
def tablet_code_issue(
    *, actor, session: QuestionnaireSession, idempotency_key: str | None = None
) -> str:
    """A 6-digit code, valid 15 minutes, that opens this session on a centre tablet.

    One code per submitted form: a replay does not silently replace the code already shown.
    """
    idempotency_claim(actor=actor, key=idempotency_key, scope="questionnaire.tablet.code")
    session = _lock_session(actor, session)
    if session.status != QuestionnaireSession.Status.IN_PROGRESS:
        raise ValidationError(_("Il questionario è già concluso."))
    while True:
        code = "".join(secrets.choice(_CODE_DIGITS) for _ in range(6))
        if not QuestionnaireSession.objects.filter(tablet_code_hash=_hash_code(code)).exists():
            break
    session.tablet_code_hash = _hash_code(code)
    session.tablet_code_expires_at = timezone.now() + timedelta(minutes=TABLET_CODE_MINUTES)
    session.save(update_fields=["tablet_code_hash", "tablet_code_expires_at"])
    _audit_session(actor, session, "questionnaire.tablet.code_issued")
    return code


@transaction.atomic
def tablet_claim(*, code: str) -> QuestionnaireSession | None:
    """The tablet presents a code: the session it opens, or None. The code works once."""
    code = (code or "").strip()
    if not code.isdigit() or len(code) != 6:
        return None
    session = (
        lock(QuestionnaireSession.objects.all())
        .select_related("case")
        .filter(
            tablet_code_hash=_hash_code(code),
            tablet_code_expires_at__gt=timezone.now(),
            status=QuestionnaireSession.Status.IN_PROGRESS,
        )
        .first()
    )
    if session is None:
        return None
    session.tablet_code_hash = ""
    session.save(update_fields=["tablet_code_hash"])
    _audit_session(TabletActor(session.public_id), session, "questionnaire.tablet.claimed")
    return session


@transaction.atomic
def tablet_set_language(
    *, actor: TabletActor, session: QuestionnaireSession, language: str
) -> None:
    session = _lock_session(actor, session)
    definition = definition_of(session.form_version)
    if language in {lang.code for lang in definition.languages}:
        session.language = language
        session.save(update_fields=["language", "updated_at"])


@transaction.atomic
def handback_take(*, actor, code: str) -> QuestionnaireSession | None:
    """The operator types the code the tablet shows: the completed session of her centre, or None.

    Permission: case.view, within her centre. The code works once: taking the session back ends
    the tablet's hold on it, so the tablet returns to its start screen (views._tablet_session).
    Audit: questionnaire.tablet.handed_back.
    """
    require(actor, Perm.CASE_VIEW)
    code = (code or "").strip()
    if not code.isdigit():
        return None
    session = (
        lock(
            QuestionnaireSession.objects.filter(
                case__in=Case.objects.visible_to(actor),
                handback_code=code,
                status=QuestionnaireSession.Status.COMPLETED,
                completed_at__gte=timezone.now() - timedelta(hours=12),
            )
        )
        .select_related("case")
        .order_by("-completed_at")
        .first()
    )
    if session is None:
        return None
    session.handback_code = ""
    session.save(update_fields=["handback_code"])
    _audit_session(actor, session, "questionnaire.tablet.handed_back")
    return session


def tablet_is_handed_back(session: QuestionnaireSession) -> bool:
    """Completed and its hand-back code used: no tablet may show anything of it any more."""
    return session.status == QuestionnaireSession.Status.COMPLETED and not session.handback_code


@transaction.atomic
def tablet_release(*, actor: TabletActor, session: QuestionnaireSession, code: str) -> bool:
    """The operator types the hand-back code on the tablet itself: True if it is the right one.

    The view then forgets everything on the tablet. The code stays valid for "Riconsegna del
    tablet" on her own screen, where she opens the result. Audit: questionnaire.tablet.released.
    """
    session = _lock_session(actor, session)
    code = (code or "").strip()
    if not session.handback_code or not secrets.compare_digest(code, session.handback_code):
        return False
    _audit_session(actor, session, "questionnaire.tablet.released")
    return True


def record_summary_download(*, actor, session: QuestionnaireSession) -> None:
    _audit_session(actor, session, "questionnaire.summary.downloaded")


def record_tablet_event(*, actor: TabletActor, session: QuestionnaireSession, action: str) -> None:
    if not (is_tablet(actor) and actor.holds(session)):
        raise PermissionDenied
    _audit_session(actor, session, action)


@transaction.atomic
def run_mark_reviewed(*, actor, run: ScreeningRun) -> None:
    """An operator of the centre has seen a re-screening that changed results."""
    require(actor, Perm.CASE_VIEW)
    updated = ScreeningRun.objects.filter(
        pk=run.pk, case__in=Case.objects.visible_to(actor), reviewed_at__isnull=True
    ).update(reviewed_at=timezone.now())
    if updated:
        case_audit(
            actor=actor, action="screening.run.reviewed", case=run.case, run=str(run.public_id)
        )


# --- Retention ---------------------------------------------------------------------------------

# What a screening result keeps after anonymisation: which measure, and whether she qualified.
RESULT_KEPT_KEYS = ("measure", "status")


def anonymised_results(results: list[dict]) -> list[dict]:
    """Results reduced to measure and status; other keys stay, emptied, so pages still render."""
    reduced = []
    for result in results:
        row = {}
        for key, value in result.items():
            if key in RESULT_KEPT_KEYS:
                row[key] = value
            elif isinstance(value, list):
                row[key] = []
            elif isinstance(value, dict):
                row[key] = {}
            elif isinstance(value, str):
                row[key] = ""
            else:
                row[key] = None
        reduced.append(row)
    return reduced


def questionnaire_anonymise_case(*, case: Case) -> dict[str, int]:
    """Erase her answers and the facts drawn from them; keep screening statuses per measure.

    System operation (no actor): called only by the retention purge, inside its transaction and
    under the percorso's row lock. Returns the number of rows touched, per kind.
    """
    sessions = QuestionnaireSession.objects.filter(case=case).update(
        answers_json="", tablet_code_hash="", tablet_code_expires_at=None, handback_code=""
    )
    runs = 0
    for run in ScreeningRun.objects.filter(case=case):
        run.facts_json = ""
        run.results_json = json.dumps(anonymised_results(run.results), ensure_ascii=False)
        run.save(update_fields=["facts_json", "results_json"])
        runs += 1
    return {"sessions": sessions, "screenings": runs}
