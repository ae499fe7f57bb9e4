"""Administrators download the questionnaire as .xlsx, upload a new version and publish it."""

from __future__ import annotations

import html
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from scarpette.audit.models import AuditEvent
from scarpette.cases.services import case_open
from scarpette.core.testing import keyed
from scarpette.questionnaire import xlsform
from scarpette.questionnaire.models import FormVersion, QuestionnaireSession
from scarpette.questionnaire.services import form_current, session_start

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPOSITORY_VERSION = xlsform.load_rows().settings[0]["version"]
NEW_VERSION = "2099.1"
NEW_AGE_LABEL = "Quanti anni ha compiuto?"
VERSIONS_URL = "/amministrazione/questionario/"


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def rows_with(*, version: str | None = None, age_label: str | None = None) -> xlsform.FormRows:
    rows = xlsform.load_rows()
    if version is not None:
        rows.settings[0]["version"] = version
    if age_label is not None:
        age = next(row for row in rows.survey if row["name"] == "age")
        age["label::Italiano (it)"] = age_label
    return rows


def new_version_workbook() -> bytes:
    # Always the same content for NEW_VERSION: parsed definitions are cached by version number.
    return xlsform.to_workbook_bytes(rows_with(version=NEW_VERSION, age_label=NEW_AGE_LABEL))


def upload(client, data: bytes, name: str = "questionario.xlsx"):
    return client.post(
        reverse("questionnaire:form_versions"),
        keyed({"file": SimpleUploadedFile(name, data, content_type=XLSX)}),
    )


@pytest.fixture
def admin(client, personas):
    client.force_login(personas.admin)
    return client


def test_the_url_is_the_documented_one():
    assert reverse("questionnaire:form_versions") == VERSIONS_URL


# --- the list ----------------------------------------------------------------------------------


def test_it_lists_the_repository_version_as_current(admin):
    # Imported after migrate, as on a fresh installation: the page only reads it.
    assert FormVersion.objects.count() == 1

    response = admin.get(reverse("questionnaire:form_versions"))

    assert response.status_code == 200
    content = text_of(response)
    assert f"Versione in uso per i nuovi questionari: {REPOSITORY_VERSION}." in content
    assert f'<th scope="row">{REPOSITORY_VERSION}</th><td>Pubblicata, in uso</td>' in content
    version = FormVersion.objects.get()
    assert version.version == REPOSITORY_VERSION
    assert version.status == "published"
    assert version.published_at is not None
    assert not AuditEvent.objects.filter(action="questionnaire.form.imported").exists()


@pytest.mark.parametrize(
    "persona",
    [
        "operator_a",
        "referent_a",
        "operator_b",
        "inps_specialist",
        "sportello_officer",
        "tavolo_member",
    ],
)
def test_only_administrators_manage_versions(persona, client, personas):
    version = form_current()
    client.force_login(getattr(personas, persona))
    download = reverse(
        "questionnaire:form_version_download", kwargs={"public_id": version.public_id}
    )
    publish = reverse("questionnaire:form_version_publish", kwargs={"public_id": version.public_id})

    assert client.get(reverse("questionnaire:form_versions")).status_code == 403
    assert upload(client, new_version_workbook()).status_code == 403
    assert client.get(download).status_code == 403
    assert client.post(publish).status_code == 403
    assert list(FormVersion.objects.values_list("version", flat=True)) == [REPOSITORY_VERSION]


def test_anonymous_is_sent_to_login(client, db):
    version = form_current()
    login = reverse("account_login")
    for url in (
        reverse("questionnaire:form_versions"),
        reverse("questionnaire:form_version_download", kwargs={"public_id": version.public_id}),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(login)


# --- download ----------------------------------------------------------------------------------


def test_the_current_version_downloads_as_a_workbook(admin):
    version = form_current()

    response = admin.get(
        reverse("questionnaire:form_version_download", kwargs={"public_id": version.public_id})
    )

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="questionario-{REPOSITORY_VERSION}.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert {"survey", "choices", "settings"} <= set(workbook.sheetnames)
    settings_sheet = workbook["settings"]
    header = [cell.value for cell in settings_sheet[1]]
    values = [cell.value for cell in settings_sheet[2]]
    assert dict(zip(header, values, strict=False))["version"] == REPOSITORY_VERSION
    survey = [row for row in workbook["survey"].iter_rows(values_only=True)]
    assert any(row[1] == "age" for row in survey)
    assert xlsform.rows_from_workbook(response.content) == xlsform.load_rows()


def test_an_unknown_version_is_404(admin):
    response = admin.get(
        reverse(
            "questionnaire:form_version_download",
            kwargs={"public_id": "00000000-0000-0000-0000-000000000000"},
        )
    )
    assert response.status_code == 404


# --- upload and publish ------------------------------------------------------------------------


def test_the_same_version_cannot_be_uploaded_again(admin):
    version = form_current()
    workbook = admin.get(
        reverse("questionnaire:form_version_download", kwargs={"public_id": version.public_id})
    ).content

    response = upload(admin, workbook)

    assert response.status_code == 400
    content = text_of(response)
    assert f"La versione {REPOSITORY_VERSION} esiste già" in content
    assert FormVersion.objects.count() == 1
    assert not AuditEvent.objects.filter(action="questionnaire.form.uploaded").exists()


def test_a_new_version_is_uploaded_as_a_draft_then_published(admin, personas):
    old = form_current()
    case = case_open(actor=personas.operator_a)
    before = session_start(actor=personas.operator_a, case=case, mode="assisted", language="it")

    response = upload(admin, new_version_workbook())

    assert response.status_code == 302
    assert response["Location"] == reverse("questionnaire:form_versions")
    draft = FormVersion.objects.get(version=NEW_VERSION)
    assert draft.status == "draft"
    assert draft.uploaded_by == personas.admin
    assert draft.published_at is None
    assert form_current() == old  # a draft is not used yet
    listing = text_of(admin.get(response["Location"]))
    assert f"Versione {NEW_VERSION} caricata come bozza." in listing
    assert f'<th scope="row">{NEW_VERSION}</th><td>Bozza</td>' in listing
    uploaded = AuditEvent.objects.get(action="questionnaire.form.uploaded")
    assert uploaded.actor_id == personas.admin.pk
    assert uploaded.object_id == str(draft.public_id)

    response = admin.post(
        reverse("questionnaire:form_version_publish", kwargs={"public_id": draft.public_id})
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"
    assert draft.published_at is not None
    assert form_current() == draft
    listing = text_of(admin.get(response["Location"]))
    assert f"Versione {NEW_VERSION} pubblicata." in listing
    assert f"Versione in uso per i nuovi questionari: {NEW_VERSION}." in listing
    published = AuditEvent.objects.get(action="questionnaire.form.published")
    assert published.actor_id == personas.admin.pk
    assert published.object_id == str(draft.public_id)

    # Answers keep the version they were given under; new questionnaires use the new one.
    before.refresh_from_db()
    assert before.form_version == old
    after = session_start(actor=personas.operator_a, case=case, mode="assisted", language="it")
    assert after.form_version == draft
    admin.logout()
    admin.force_login(personas.operator_a)
    old_page = text_of(
        admin.get(reverse("questionnaire:session_page", kwargs={"public_id": before.public_id}))
    )
    new_page = text_of(
        admin.get(reverse("questionnaire:session_page", kwargs={"public_id": after.public_id}))
    )
    assert "Quanti anni ha?" in old_page and NEW_AGE_LABEL not in old_page
    assert NEW_AGE_LABEL in new_page


def test_publish_refuses_get(admin):
    version = form_current()
    response = admin.get(
        reverse("questionnaire:form_version_publish", kwargs={"public_id": version.public_id})
    )
    assert response.status_code == 405


def test_a_missing_arabic_label_is_reported_with_its_row_and_nothing_is_stored(admin):
    form_current()
    rows = rows_with(version="2099.2")
    index = next(i for i, row in enumerate(rows.survey) if row["name"] == "age")
    rows.survey[index]["label::العربية (ar)"] = ""

    response = upload(admin, xlsform.to_workbook_bytes(rows))

    assert response.status_code == 400
    content = text_of(response)
    assert "Il file non è valido:" in content
    errors = re.findall(r"<li>(.*?)</li>", content.split("Il file non è valido:", 1)[1])
    expected = f"foglio survey, riga {index + 2} (age), colonna G «label::العربية (ar)»: manca la traduzione «label» in العربية (ar)."
    assert expected in errors
    assert not FormVersion.objects.filter(version="2099.2").exists()
    assert not AuditEvent.objects.filter(action="questionnaire.form.uploaded").exists()


def test_a_file_that_is_not_xlsx_is_refused_on_the_field(admin):
    form_current()

    response = upload(admin, b"type,name\ninteger,age\n", name="questionario.csv")

    assert response.status_code == 200
    assert '<ul class="errorlist" id="id_file_error"><li>Carica un file .xlsx.</li></ul>' in (
        text_of(response)
    )
    assert FormVersion.objects.count() == 1


def test_garbage_named_xlsx_gets_a_clear_error(admin):
    form_current()

    response = upload(admin, b"\x00\x01 not a spreadsheet at all \xff" * 10)

    assert response.status_code == 400
    assert "Il file caricato non è un foglio di calcolo .xlsx leggibile." in text_of(response)
    assert FormVersion.objects.count() == 1


def test_a_zip_that_is_not_a_workbook_gets_a_clear_error(admin):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")

    response = upload(admin, buffer.getvalue())

    assert response.status_code == 400
    assert "Il file caricato non è un foglio di calcolo .xlsx leggibile." in text_of(response)


def test_a_workbook_without_the_form_sheets_gets_a_clear_error(admin):
    workbook = Workbook()
    workbook.active.title = "Foglio1"
    workbook.active["A1"] = "ciao"
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = upload(admin, buffer.getvalue())

    assert response.status_code == 400
    assert "Nel file manca il foglio «survey»" in text_of(response)
    assert not FormVersion.objects.exclude(version=REPOSITORY_VERSION).exists()


def test_an_empty_upload_gets_a_clear_error(admin):
    form_current()

    response = upload(admin, b"")

    assert response.status_code == 200
    assert "Il file inviato è vuoto." in text_of(response)
    assert FormVersion.objects.count() == 1


def test_a_question_of_an_unknown_type_is_reported(admin):
    rows = rows_with(version="2099.3")
    index = next(i for i, row in enumerate(rows.survey) if row["name"] == "age")
    rows.survey[index]["type"] = "geopoint"

    response = upload(admin, xlsform.to_workbook_bytes(rows))

    assert response.status_code == 400
    assert f"foglio survey, riga {index + 2} (age): tipo «geopoint»" in text_of(response)
    assert not FormVersion.objects.filter(version="2099.3").exists()


def test_no_session_changes_version_when_a_draft_is_uploaded(admin, personas):
    case = case_open(actor=personas.operator_a)
    session = session_start(actor=personas.operator_a, case=case, mode="assisted", language="it")

    upload(admin, new_version_workbook())

    assert QuestionnaireSession.objects.get(pk=session.pk).form_version.version == (
        REPOSITORY_VERSION
    )
    later = session_start(actor=personas.operator_a, case=case, mode="assisted", language="it")
    assert later.form_version.version == REPOSITORY_VERSION


@pytest.mark.parametrize("version", ["2099." + "1" * 40, "2099\n1", '2099"1'])
def test_a_version_number_that_cannot_be_stored_or_named_is_refused(admin, version):
    form_current()

    response = upload(admin, xlsform.to_workbook_bytes(rows_with(version=version)))

    assert response.status_code == 400
    assert "foglio settings" in text_of(response)
    assert FormVersion.objects.count() == 1
    for stored in FormVersion.objects.all():
        download = admin.get(
            reverse("questionnaire:form_version_download", kwargs={"public_id": stored.public_id})
        )
        assert download.status_code == 200
