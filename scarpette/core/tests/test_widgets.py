"""FastSelect gives the HTML of Django's own Select (its templates), only faster; the filter forms
and the shared page fragments use it."""

import re

import pytest
from django import forms

from scarpette.core.widgets import FastSelect, use_fast_selects

CHOICES = [
    ("", "Tutti"),
    ("a&b", 'x "y" <z>'),
    ("c", "C"),
    ("Gruppo", [("g1", "G1"), ("g2", "G2")]),
    (3, "tre"),
]


def _squeeze(html) -> str:
    # Django's templates put new lines between the tags; the page is the same without them.
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("value", ["", "a&b", "g2", 3, "3", None, "absent"])
@pytest.mark.parametrize(
    "attrs",
    [
        None,
        {"id": "id_x", "aria-describedby": "h", "disabled": True, "required": False},
        {"data-x": 'q"<'},
    ],
)
def test_fast_select_renders_what_django_renders(value, attrs):
    django_html = forms.Select(choices=CHOICES).render("x", value, attrs=attrs)
    fast_html = FastSelect(choices=CHOICES).render("x", value, attrs=attrs)
    assert _squeeze(fast_html) == _squeeze(django_html)


def test_a_form_field_keeps_its_choices_errors_and_label():
    class Form(forms.Form):
        status = forms.ChoiceField(label="Stato", choices=[("", "Tutti"), ("open", "Aperto")])
        note = forms.CharField(required=False)

    form = Form({"status": "bogus"})
    use_fast_selects(form)
    assert isinstance(form.fields["status"].widget, FastSelect)
    assert not form.is_valid()
    html = str(form["status"])
    assert '<select name="status"' in html
    assert 'aria-invalid="true"' in html
    assert '<option value="open">Aperto</option>' in html
    assert not isinstance(form.fields["note"].widget, FastSelect)
