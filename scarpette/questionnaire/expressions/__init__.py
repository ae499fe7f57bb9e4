"""A small, safe evaluator for the XLSForm expressions the questionnaire uses.

XLSForm rows carry XPath 1.0 expressions in `relevant`, `constraint`, `required` and `calculate`
(`${name}` references, comparisons, and/or, `selected()`, `count-selected()`, arithmetic,
`today()`, `if()`). The questionnaire must evaluate them on the server, so that what the server
accepts is exactly what the form shows; ODK's own engine is Java and the browser one is
JavaScript, so this package re-implements the subset forms actually use.

Why hand-written: form files are edited by people, not programmers, so an expression is untrusted
text. It is tokenized and parsed (recursive descent with operator precedence, Pratt style) into an
AST of small frozen dataclasses, and evaluation walks that AST. Nothing is ever handed to Python's
`eval`, `exec` or `compile`, so a form cannot run code. Length and nesting are capped, so a
pathological expression fails with `ExpressionError` instead of a `RecursionError` or a slow
request. Every compile-time error names the form row and the character where it happened,
because the person who must fix it is reading the spreadsheet, not a traceback.

Semantics follow XPath 1.0 as ODK applies them (see `operators` and `values`):

* an unanswered question is the empty string "" (None in `EvalContext.values` means the same);
* `=` / `!=` compare as booleans if either side is boolean, as numbers if either side is a
  number, otherwise as strings; `<`, `<=`, `>`, `>=` always compare as numbers. A string that is
  not a number is NaN, so `${age} > 18` is false while `age` is unanswered, `${age} = ''` is true,
  and `${age} != 5` is true (IEEE: NaN differs from everything);
* booleans: a non-empty string or a non-zero, non-NaN number is true;
* `div` by zero gives ±Infinity or NaN and `mod` is the truncated remainder (sign of the
  dividend, like `math.fmod`), never a Python exception;
* numbers are IEEE doubles (Python floats), as in XPath.

One deliberate extension: dates. ODK stores date answers as 'YYYY-MM-DD' and compares them as
dates; here a `datetime.date` value or a string in exactly that form is "date-like". Two
date-like values compare as dates (with any operator), and a date-like value used as a number is
the count of days since 1970-01-01, so `(today() - ${dob}) div 365.25` works whether the answer
arrived as a `date` or as its ISO string.

Public API: `compile_expression`, `Expression`, `EvalContext`, `ExpressionError`,
`evaluate_bool`, `is_relevant`, `is_required`, `passes_constraint`, and the XPath conversions
`to_string`, `to_number`, `to_boolean` (for storing `calculate` results).

One concern per module, in the order text becomes a value:

- `errors`: `ExpressionError` and the caps (`MAX_LENGTH`, `MAX_DEPTH`);
- `values`: the value space and the XPath conversions;
- `operators`: comparisons and arithmetic, and their binding powers;
- `context`: `EvalContext`, what an expression is evaluated against;
- `tokenizer`: text to tokens;
- `parser`: tokens to the syntax tree of `nodes`;
- `nodes`: the syntax tree, each node evaluating itself;
- `functions`: `FUNCTIONS`, what a form may call;
- `compiled`: `Expression`, `compile_expression` and the column helpers.

Import from the package (`from scarpette.questionnaire.expressions import ...`), not its
modules.
"""

from __future__ import annotations

from .compiled import (
    Expression,
    compile_expression,
    evaluate_bool,
    is_relevant,
    is_required,
    passes_constraint,
)
from .context import EvalContext
from .errors import MAX_DEPTH, MAX_LENGTH, ExpressionError
from .functions import FUNCTIONS
from .values import Value, to_boolean, to_number, to_string

__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "EvalContext",
    "Expression",
    "ExpressionError",
    "FUNCTIONS",
    "Value",
    "compile_expression",
    "evaluate_bool",
    "is_relevant",
    "is_required",
    "passes_constraint",
    "to_boolean",
    "to_number",
    "to_string",
]
