from django import forms
from django.utils.translation import gettext_lazy as _

from scarpette.questionnaire.models import QuestionnaireSession

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class StartForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Modalità"),
        choices=QuestionnaireSession.Mode.choices,
        widget=forms.RadioSelect,
        initial=QuestionnaireSession.Mode.ASSISTED,
    )
    language = forms.ChoiceField(label=_("Lingua della donna"))

    def __init__(self, *args, languages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            (lang.code, f"{lang.native_name}" + ("" if lang.reviewed else " — " + str(_("bozza"))))
            for lang in languages
        ]
        self.fields["language"].initial = "it"


class HandbackForm(forms.Form):
    code = forms.CharField(
        label=_("Codice mostrato dal tablet"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File .xlsx del questionario"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Il file è troppo grande (massimo 5 MB)."))
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Carica un file .xlsx."))
        return upload


# A page index is small (the service clamps it to the form); the bound keeps a 5,000-digit "page" from ever reaching int().
MAX_PAGE_INDEX = 999_999


class PageIndexForm(forms.Form):
    """The page index a questionnaire page posts in a hidden field (or asks for with ?pagina=)."""

    def __init__(self, data, *, key: str, page_count: int | None = None):
        # QueryDict.get gives the last value of a repeated key, never a list.
        super().__init__({"page": data.get(key, "")})
        last = MAX_PAGE_INDEX if page_count is None else min(page_count - 1, MAX_PAGE_INDEX)
        self.fields["page"] = forms.IntegerField(min_value=0, max_value=last)


def page_index(data, key: str, *, page_count: int | None = None) -> int | None:
    """The valid page index in `data[key]`, or None when missing, malformed or out of range."""
    form = PageIndexForm(data, key=key, page_count=page_count)
    return form.cleaned_data["page"] if form.is_valid() else None
