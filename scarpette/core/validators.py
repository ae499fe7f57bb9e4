"""Validators for Italian identifiers (python-stdnum does the arithmetic)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidComponent
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale


def normalise_tax_code(value: str) -> str:
    return codicefiscale.compact(value or "")


def validate_tax_code(value: str) -> None:
    """Refuse a personal tax code that is not 16 characters of the right shape, whose check
    character does not match, or whose birth date does not exist (day 32, month letter Z).
    Omocodia (digits replaced by letters to tell two equal codes apart) is accepted."""
    code = normalise_tax_code(value)
    # stdnum also accepts an 11-digit company code here; a person always has 16 characters.
    if len(code) != 16:
        raise ValidationError(
            _("Il codice fiscale deve avere 16 caratteri nel formato previsto."),
            code="tax_code_format",
        )
    try:
        codicefiscale.validate(code)
    except InvalidChecksum as exc:
        raise ValidationError(
            _("Il codice fiscale non è valido: il carattere di controllo non corrisponde."),
            code="tax_code_checksum",
        ) from exc
    except InvalidComponent as exc:
        raise ValidationError(
            _("Il codice fiscale non è valido: la data di nascita non esiste."),
            code="tax_code_birth_date",
        ) from exc
    except StdnumError as exc:
        raise ValidationError(
            _("Il codice fiscale deve avere 16 caratteri nel formato previsto."),
            code="tax_code_format",
        ) from exc
