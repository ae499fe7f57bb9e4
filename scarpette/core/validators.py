"""Validators for Italian identifiers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_TAX_CODE_RE = re.compile(
    r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$"
)
_ODD = {
    **dict(zip("0123456789", [1, 0, 5, 7, 9, 13, 15, 17, 19, 21], strict=True)),
    **dict(
        zip(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            [
                1,
                0,
                5,
                7,
                9,
                13,
                15,
                17,
                19,
                21,
                2,
                4,
                18,
                20,
                11,
                3,
                6,
                8,
                12,
                14,
                16,
                10,
                22,
                25,
                24,
                23,
            ],
            strict=True,
        )
    ),
}
_EVEN = {**{str(d): d for d in range(10)}, **{chr(65 + i): i for i in range(26)}}


def tax_code_check_char(first15: str) -> str:
    total = sum(_ODD[ch] if index % 2 == 0 else _EVEN[ch] for index, ch in enumerate(first15))
    return chr(65 + total % 26)


def normalise_tax_code(value: str) -> str:
    return value.replace(" ", "").strip().upper()


def validate_tax_code(value: str) -> None:
    code = normalise_tax_code(value)
    if not _TAX_CODE_RE.match(code):
        raise ValidationError(
            _("Il codice fiscale deve avere 16 caratteri nel formato previsto."),
            code="tax_code_format",
        )
    if tax_code_check_char(code[:15]) != code[15]:
        raise ValidationError(
            _("Il codice fiscale non è valido: il carattere di controllo non corrisponde."),
            code="tax_code_checksum",
        )
