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
