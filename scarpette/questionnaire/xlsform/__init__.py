"""The needs questionnaire as an XLSForm: loading, workbook round-trip, validation and parsing.

The questionnaire is data, not code (product.md C1): the repository keeps it as one CSV per XLSForm
sheet in `definition/` so that a change of wording is a one-line diff, and people who do not
program can still edit it as a spreadsheet (`to_workbook_bytes` / `rows_from_workbook`). pyxform,
the reference XLSForm converter used by KoboToolbox and ODK, is the authority on XLSForm syntax; on
top of it `validate` checks what pyxform cannot know: that every question fills a real screening
fact (shared/design/facts.md) with compatible answers, that every language has every text, that
"Non so" and "Preferisco non rispondere" are offered wherever a woman may not know or may not want
to answer, and that expressions stay in the small subset our own evaluator implements.

Three custom survey columns tie the form to the rest of the system:

- `fact`: the screening fact the answer fills (`children.age` for a field of a child in the
  `children` repeat; `children` on the repeat itself);
- `need`: a need code the answer records (`*` on a select_multiple whose choices are need codes);
- `contact`: `channels` or `times`, her safe contact preferences (not screening facts).

Nothing here touches the database: the package is used by tests, by the import of an edited
workbook, and (through `load_definition`) by the pages.

One concern per module, in reading order:

- `vocabulary`: the sheets, answer and need codes, columns and question types; `FormError`;
- `rows`: `FormRows` and the CSV files (`load_rows`, `save_rows`);
- `workbook`: the .xlsx round trip (`to_workbook_bytes`, `rows_from_workbook`);
- `context`: helpers shared by validation and parsing (row types, language columns, gates);
- `validation`: `validate` and `check_expression`, our own checks;
- `pyxform_check`: the conversion by pyxform, whose errors and warnings count too;
- `definition`: the parsed form (`FormDefinition`, `Section`, `Question`, `Choice`, `Language`);
- `parsing`: `parse`, `parse_cached` and `load_definition`;
- `diff`: `form_diff`, what changed between two versions, in words.

Import from the package (`from scarpette.questionnaire.xlsform import parse`), not its modules.
"""

from __future__ import annotations

from .definition import Choice, FormDefinition, Language, Question, Section
from .diff import FormDiff, ItemChange, condition_words
from .diff import diff as form_diff
from .parsing import load_definition, parse, parse_cached
from .rows import DEFINITION_DIR, FormRows, load_rows, save_rows
from .validation import check_expression, validate
from .vocabulary import (
    CONTACT_KINDS,
    DONT_KNOW,
    EXPRESSION_COLUMNS,
    LANGUAGE_COLUMNS,
    NEED_CODES,
    NEEDS_FROM_CHOICES,
    NO_BENEFITS,
    PREFER_NOT,
    QUESTION_TYPES,
    SHEETS,
    STRUCTURE_TYPES,
    TRANSLATABLE,
    UNKNOWN_ANSWERS,
    UNLABELLED_TYPES,
    VALUE_TYPES,
    FormError,
)
from .workbook import rows_from_workbook, to_workbook_bytes

__all__ = [
    "CONTACT_KINDS",
    "DEFINITION_DIR",
    "DONT_KNOW",
    "EXPRESSION_COLUMNS",
    "LANGUAGE_COLUMNS",
    "NEEDS_FROM_CHOICES",
    "NEED_CODES",
    "NO_BENEFITS",
    "PREFER_NOT",
    "QUESTION_TYPES",
    "SHEETS",
    "STRUCTURE_TYPES",
    "TRANSLATABLE",
    "UNKNOWN_ANSWERS",
    "UNLABELLED_TYPES",
    "VALUE_TYPES",
    "Choice",
    "FormDefinition",
    "FormDiff",
    "FormError",
    "FormRows",
    "ItemChange",
    "Language",
    "Question",
    "Section",
    "check_expression",
    "condition_words",
    "form_diff",
    "load_definition",
    "load_rows",
    "parse",
    "parse_cached",
    "rows_from_workbook",
    "save_rows",
    "to_workbook_bytes",
    "validate",
]
