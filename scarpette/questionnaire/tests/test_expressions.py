"""The XLSForm expression evaluator: a table of expressions and results, the errors form authors
see, and property tests (random text never escapes as anything but ExpressionError; any
grammatical expression evaluates for any answers; integer arithmetic agrees with Python)."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from functools import reduce
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scarpette.questionnaire.expressions import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_LENGTH,
    EvalContext,
    Expression,
    ExpressionError,
    compile_expression,
    evaluate_bool,
    is_relevant,
    is_required,
    passes_constraint,
    to_boolean,
    to_number,
    to_string,
)

TODAY = date(2024, 5, 1)

ANSWERS: dict[str, Any] = {
    "age": 34,
    "figli": "2",
    "isee": Decimal("9360.50"),
    "reddito": 12000.0,
    "vuoto": "",
    "nulla": None,
    "nome": "Anna",
    "sposata": True,
    "lista": ["a", "c"],
    "spazi": "a b  c",
    "nessuna": [],
    "nascita": date(1990, 5, 2),
    "nascita_txt": "1990-05-02",
    "ora": datetime(2024, 4, 30, 15, 30),
    "zero": 0,
    "testo_num": " 7.5 ",
    "con-trattino": 5,
    "con.punto": 6,
}


def ctx(current: Any = "", **extra: Any) -> EvalContext:
    return EvalContext({**ANSWERS, **extra}, current=current, today=TODAY)


def run(text: str, context: EvalContext | None = None) -> Any:
    return compile_expression(text, row="test").evaluate(context or ctx())


# --------------------------------------------------------------------------------------------
# The table

CASES: list[tuple[str, Any]] = [
    # literals and precedence
    ("1", 1.0),
    ("1.5", 1.5),
    (".5", 0.5),
    ("2.", 2.0),
    ("'ciao'", "ciao"),
    ('"l\'altro"', "l'altro"),
    ("1 + 2 * 3", 7.0),
    ("(1 + 2) * 3", 9.0),
    ("10 - 4 - 3", 3.0),
    ("2 * 3 mod 4", 2.0),
    ("7 div 2 div 2", 1.75),
    ("-2 * 3", -6.0),
    ("- -3", 3.0),
    ("--3", 3.0),
    ("3 - -2", 5.0),
    ("1 + 2 = 3", True),
    ("1 < 2 = 2 > 1", True),  # relational binds tighter than equality
    ("1 = 1 or 1 = 2 and 1 = 2", True),  # and binds tighter than or
    ("(1 = 1 or 1 = 2) and 1 = 2", False),
    ("1 < 2 < 3", True),  # (1 < 2) < 3 -> true < 3 -> 1 < 3
    ("3 > 2 > 1", False),  # (3 > 2) > 1 -> 1 > 1
    ("  1\t+\n2  ", 3.0),
    # every operator
    ("2 = 2", True),
    ("2 != 2", False),
    ("2 < 3", True),
    ("3 <= 3", True),
    ("2 > 3", False),
    ("3 >= 4", False),
    ("2 + 3", 5.0),
    ("2 - 3", -1.0),
    ("2 * 3", 6.0),
    ("7 div 2", 3.5),
    ("7 mod 3", 1.0),
    ("-7 mod 3", -1.0),  # truncated: sign of the dividend, as math.fmod
    ("7 mod -3", 1.0),
    ("7.5 mod 2", 1.5),
    ("1 div 0", math.inf),
    ("-1 div 0", -math.inf),
    ("1 and 0", False),
    ("1 or 0", True),
    ("'a' and ''", False),
    # references, answered and not
    ("${age}", 34.0),
    ("${age} + ${figli}", 36.0),
    ("${isee} < 10000", True),
    ("${reddito} >= 12000", True),
    ("${nome} = 'Anna'", True),
    ('${nome} = "anna"', False),
    ("${sposata}", True),
    ("${sposata} = 'si'", True),  # boolean comparison: non-empty string is true
    ("${con-trattino} + ${con.punto}", 11.0),
    ("${vuoto} = ''", True),
    ("${nulla} = ''", True),
    ("${mai_vista} = ''", True),
    ("${vuoto} != ''", False),
    ("${vuoto} > 18", False),
    ("${vuoto} < 18", False),
    ("${vuoto} = 0", False),
    ("${vuoto} != 5", True),  # IEEE: NaN differs from everything
    ("${vuoto} + 1 > 0", False),
    ("${vuoto}", ""),
    ("${zero}", 0.0),
    ("${testo_num} = 7.5", True),
    ("${figli} = 2", True),
    ("${figli} = '2'", True),
    ("${age} = '34'", True),
    ("${age} = '34.0'", True),
    ("'abc' = 'abc'", True),
    ("'2' = '2.0'", False),  # two strings: string equality
    # selected / count-selected
    ("selected(${lista}, 'a')", True),
    ("selected(${lista}, 'b')", False),
    ("selected(${lista}, ' c ')", True),
    ("selected(${spazi}, 'c')", True),
    ("selected(${spazi}, 'a b')", False),
    ("selected(${spazi}, '')", False),
    ("selected(${vuoto}, 'a')", False),
    ("selected(${mai_vista}, 'a')", False),
    ("count-selected(${lista})", 2.0),
    ("count-selected(${spazi})", 3.0),
    ("count-selected(${nessuna})", 0.0),
    ("count-selected(${vuoto})", 0.0),
    ("${lista}", "a c"),
    ("${lista} = 'a c'", True),
    ("not(selected(${lista}, 'b')) and count-selected(${lista}) >= 2", True),
    # dates and today()
    ("today()", TODAY),
    ("today() = '2024-05-01'", True),
    ("today() != '2024-05-02'", True),
    ("today() > '2024-04-30'", True),
    ("today() < '2024-12-01'", True),
    ("${nascita} < today()", True),
    ("${nascita_txt} < today()", True),
    ("${nascita} = '1990-05-02'", True),
    ("${nascita} = ${nascita_txt}", True),
    ("'2024-01-31' < '2024-02-01'", True),  # both date-like: compared as dates
    ("${ora} = '2024-04-30'", True),  # a datetime answer counts as its day
    ("int((today() - ${nascita}) div 365.25)", 33.0),
    ("int((today() - ${nascita_txt}) div 365.25)", 33.0),
    ("today() - '2024-04-01'", 30.0),
    ("${vuoto} < today()", False),
    ("today() = ''", False),
    ("string(today())", "2024-05-01"),
    ("decimal-date-time('1970-01-02')", 1.0),
    ("decimal-date-time('1970-01-01T12:00:00')", 0.5),
    ("decimal-date-time('1970-01-02T00:00:00+00:00')", 1.0),
    ("decimal-date-time(today())", 19844.0),
    # if / coalesce / conversions
    ("if(${age} >= 18, 'adulta', 'minore')", "adulta"),
    ("if(${vuoto}, 'sì', 'no')", "no"),
    ("if(true(), 1, 1 div 0)", 1.0),
    ("if(1 = 1, if(2 = 3, 'a', 'b'), 'c')", "b"),
    ("coalesce(${vuoto}, 'riserva')", "riserva"),
    ("coalesce(${nome}, 'riserva')", "Anna"),
    ("coalesce(${nulla}, ${age})", 34.0),
    ("true()", True),
    ("false()", False),
    ("not(false())", True),
    ("not('')", True),
    ("not(0 div 0)", True),
    ("boolean('x')", True),
    ("string(7)", "7"),
    ("string(7.25)", "7.25"),
    ("string(-0.5)", "-0.5"),
    ("string(1 div 0)", "Infinity"),
    ("string(0 div 0)", "NaN"),
    ("string(1 = 1)", "true"),
    ("string(${lista})", "a c"),
    ("string(0.0000001)", "0.0000001"),
    ("number('12.5')", 12.5),
    ("number(' -3 ')", -3.0),
    ("number(true())", 1.0),
    ("int(7.9)", 7.0),
    ("int(-7.9)", -7.0),
    ("int('12')", 12.0),
    ("string-length('abcd')", 4.0),
    ("string-length(${vuoto})", 0.0),
    ("string-length(${age})", 2.0),
    ("concat('a', ${age}, true())", "a34true"),
    # the current value
    (".", "corrente"),
    (". = 'corrente'", True),
    ("string-length(.) > 3", True),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[case[0] for case in CASES])
def test_expression_table(text: str, expected: Any) -> None:
    result = run(text, ctx(current="corrente"))
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    "text",
    [
        "0 div 0",
        "${vuoto} + 1",
        "number('abc')",
        "number('1e3')",
        "int(0 div 0)",
        "5 mod 0",
        "${vuoto} div 0",
        "-${nome}",
        "(1 div 0) mod 2",
    ],
)
def test_nan_results(text: str) -> None:
    assert math.isnan(run(text))


def test_division_by_zero_keeps_the_sign_of_zero() -> None:
    assert run("1 div -0") == -math.inf
    assert run("-1 div -0") == math.inf
    assert run("5 mod (1 div 0)") == 5.0


def test_current_value_is_a_select_multiple_list() -> None:
    context = ctx(current=["x", "y", "z"])
    assert run("count-selected(.) <= 3", context) is True
    assert run("selected(., 'y')", context) is True
    assert run(".", context) == "x y z"


def test_today_defaults_to_the_real_date() -> None:
    expression = compile_expression("today()")
    assert expression.evaluate(EvalContext({})) == date.today()
    assert expression.evaluate(EvalContext({}, today=datetime(2020, 1, 2, 3, 4))) == date(
        2020, 1, 2
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        (3, "3"),
        (3.0, "3"),
        (-0.0, "0"),
        (0.1, "0.1"),
        (1e21, "1" + "0" * 21),
        (1.5e-7, "0.00000015"),
        (Decimal("2.50"), "2.5"),
        (True, "true"),
        (date(2024, 1, 2), "2024-01-02"),
        (["a", "b"], "a b"),
        ({"b", "a"}, "a b"),
        (10**400, "Infinity"),
        (Decimal("sNaN"), "NaN"),
    ],
)
def test_to_string(value: Any, expected: str) -> None:
    assert to_string(value) == expected


def test_public_conversions() -> None:
    assert to_number("2024-05-01") == 19844.0
    assert to_number("x") != to_number("x")
    assert to_number(["3"]) == 3.0
    assert to_boolean([]) is False
    assert to_boolean(["a"]) is True
    assert to_boolean(0.0) is False
    assert to_boolean(date(2024, 1, 1)) is True
    assert to_boolean(math.nan) is False


# --------------------------------------------------------------------------------------------
# Errors: each names the row and where


ERRORS: list[tuple[str, str]] = [
    ("(1 + 2", "manca ')'"),
    ("((1)", "manca ')'"),
    ("1 + 2)", "')' in più"),
    ("foo(1)", "funzione sconosciuta 'foo()'"),
    ("NOT(1)", "forse 'not()'"),
    ("1 + # 2", "carattere non valido '#'"),
    ("1 @ 2", "carattere non valido '@'"),
    ("${a} = 1 2", "testo inatteso"),
    ("${a} ${b}", "testo inatteso"),
    ("not()", "not() vuole 1 argomento, non 0"),
    ("selected()", "selected() vuole 2 argomenti, non 0"),
    ("selected(${a})", "non 1"),
    ("count-selected()", "count-selected() vuole 1 argomento"),
    ("if(1, 2)", "if() vuole 3 argomenti, non 2"),
    ("today(1)", "today() non vuole argomenti, non 1"),
    ("concat()", "almeno 1"),
    ("selected(${a}, )", "argomento mancante"),
    ("selected(, 'a')", "argomento mancante"),
    ("not(1", "manca ')' per la chiamata not("),
    ("not(1 2)", "atteso ',' o ')'"),
    ("1 +", "espressione incompleta"),
    ("1 + * 2", "atteso un valore, trovato '*'"),
    ("= 1", "atteso un valore"),
    ("and 1", "manca il valore prima di 'and'"),
    ("1 AND 2", "operatore 'AND' non valido"),
    ("1 Div 2", "'div'"),
    ("eta > 18", "${eta}"),
    ("${eta", "riferimento non valido"),
    ("${} = 1", "riferimento non valido"),
    ("${1a} = 1", "riferimento non valido"),
    ("$eta", "'$' deve iniziare"),
    ("'aperta", "stringa non chiusa"),
    ('"aperta', "stringa non chiusa"),
    ("..", "testo inatteso"),
    ("/data/eta > 18", "percorsi XPath"),
    ("1.2.3", "testo inatteso"),
    ("   ", "espressione vuota"),
    ("", "espressione vuota"),
    ("1 + ²", "carattere non valido"),
]


@pytest.mark.parametrize(("text", "fragment"), ERRORS, ids=[e[0] or "<empty>" for e in ERRORS])
def test_errors_name_the_row_and_position(text: str, fragment: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        compile_expression(text, row="isee")
    message = str(caught.value)
    assert message.startswith("riga 'isee': ")
    assert fragment in message
    assert caught.value.row == "isee"
    if text.strip():
        assert caught.value.position is not None
        assert 0 <= caught.value.position <= len(text)
        assert f"(carattere {caught.value.position + 1}" in message


def test_error_position_points_at_the_culprit() -> None:
    with pytest.raises(ExpressionError) as caught:
        compile_expression("${a} > 1 and pippo(2)", row="r")
    assert caught.value.position == 13
    assert "vicino a «pippo(2)»" in str(caught.value)


def test_error_without_row() -> None:
    with pytest.raises(ExpressionError, match=r"^espressione: funzione sconosciuta"):
        compile_expression("x()")


def test_length_and_depth_limits() -> None:
    with pytest.raises(ExpressionError, match="troppo lunga"):
        compile_expression("1" * (MAX_LENGTH + 1), row="r")
    for text in (
        "(" * 900 + "1" + ")" * 900,
        "not(" * 300 + "1" + ")" * 300,
        "-" * 1500 + "1",
        "if(1, " * 180 + "1" + ", 2)" * 180,
        "(1 + " * 300 + "1" + ")" * 300,
    ):
        assert len(text) <= MAX_LENGTH
        with pytest.raises(ExpressionError, match="troppo annidata"):
            compile_expression(text, row="r")
    # Nesting that real forms use is far from the limit.
    assert run("(" * (MAX_DEPTH // 2) + "1" + ")" * (MAX_DEPTH // 2)) == 1.0


def test_long_flat_chains_compile_and_evaluate() -> None:
    """Left-associative runs are stored flat, so length, not depth, is their only limit."""
    terms = (MAX_LENGTH - 1) // 2
    assert run("+".join(["1"] * terms)) == float(terms)
    assert run(" or ".join(["${a}=1"] * 150) + " or 1 = 1") is True
    assert run(" and ".join(["1=1"] * 250)) is True
    assert run(" - ".join(["1"] * 500)) == -498.0


def test_type_error_for_non_text() -> None:
    with pytest.raises(TypeError):
        compile_expression(None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# references, cache, column helpers


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("1 + 2", set()),
        (".", set()),
        ("${a}", {"a"}),
        ("${a} + ${b} * ${a}", {"a", "b"}),
        ("selected(${scelte}, 'x') or -${n-1} > ${n.2}", {"scelte", "n-1", "n.2"}),
        ("if(${c}, coalesce(${d}, 'x'), not(${e}))", {"c", "d", "e"}),
        ("${città} = 'Milano'", {"città"}),
    ],
)
def test_references(text: str, names: set[str]) -> None:
    assert compile_expression(text).references == frozenset(names)


def test_compile_is_cached_and_immutable() -> None:
    first = compile_expression("${a} + 1", row="r")
    assert compile_expression("${a} + 1", row="r") is first
    assert isinstance(first, Expression)
    assert first.text == "${a} + 1" and first.row == "r"
    with pytest.raises(AttributeError):
        first.text = "2"  # type: ignore[misc]


def test_evaluate_bool() -> None:
    context = ctx()
    assert evaluate_bool("${age} > 18", context) is True
    assert evaluate_bool(compile_expression("${vuoto}"), context) is False
    assert evaluate_bool("'0'", context) is True  # a non-empty string, as XPath says
    with pytest.raises(ExpressionError, match="riga 'x': espressione vuota"):
        evaluate_bool("", context, row="x")


def test_is_relevant() -> None:
    context = ctx()
    assert is_relevant("", context) is True
    assert is_relevant("  ", context) is True
    assert is_relevant("${age} >= 18", context) is True
    assert is_relevant("selected(${lista}, 'b')", context) is False
    with pytest.raises(ExpressionError, match="riga 'figli'"):
        is_relevant("${age} >", context, row="figli")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", False),
        ("no", False),
        ("No", False),
        ("false()", False),
        ("FALSE", False),
        ("yes", True),
        ("Yes", True),
        ("true()", True),
        (" TRUE ", True),
        ("${age} > 18", True),
        ("${vuoto} != ''", False),
    ],
)
def test_is_required(text: str, expected: bool) -> None:
    assert is_required(text, ctx()) is expected


def test_is_required_reports_bad_expressions() -> None:
    with pytest.raises(ExpressionError, match="riga 'isee'"):
        is_required("si", ctx(), row="isee")


def test_passes_constraint() -> None:
    assert passes_constraint("", ctx(current=5)) is True
    assert passes_constraint(". >= 0 and . <= 120", ctx(current=34)) is True
    assert passes_constraint(". >= 0 and . <= 120", ctx(current="150")) is False
    assert passes_constraint(". <= today()", ctx(current=date(2024, 6, 1))) is False
    assert passes_constraint("count-selected(.) <= 2", ctx(current=["a", "b", "c"])) is False
    assert passes_constraint("string-length(.) = 16", ctx(current="RSSMRA80A01F205X")) is True


# --------------------------------------------------------------------------------------------
# Property tests

NAMES = ["a", "b", "c-1", "d.e", "multi", "mai_vista"]

TOKENS = [
    "${a}",
    "${b}",
    "${c-1}",
    "${",
    "}",
    "$",
    "(",
    ")",
    ",",
    "'",
    '"',
    "'x'",
    '"y"',
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "and",
    "or",
    "div",
    "mod",
    "AND",
    "Or",
    "not",
    "selected",
    "count-selected",
    "if",
    "today",
    "true",
    "false",
    "string",
    "number",
    "int",
    "string-length",
    "coalesce",
    "concat",
    "decimal-date-time",
    "pippo",
    "1",
    "0",
    "1.5",
    ".5",
    ".",
    "..",
    "/",
    "@",
    "[",
    "]",
    "|",
    "!",
    " ",
    "\t",
    "é",
    "²",
    "\x00",
]

ANSWER_VALUES = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "0",
            "1",
            "-2.5",
            " 3 ",
            "2024-02-29",
            "2023-02-29",
            "1970-01-01",
            "a b",
            "NaN",
            "Infinity",
        ]
    ),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.lists(st.one_of(st.sampled_from(["a", "b", "c", " ", ""]), st.integers(-3, 3)), max_size=4),
    st.frozensets(st.sampled_from(["a", "b", "c"])),
    st.dates(),
    st.datetimes(),
)

CONTEXTS = st.builds(
    EvalContext,
    values=st.dictionaries(st.sampled_from(NAMES), ANSWER_VALUES),
    current=ANSWER_VALUES,
    today=st.one_of(st.none(), st.dates()),
)


def _assert_value(result: Any) -> None:
    assert isinstance(result, str | float | bool | date)
    assert isinstance(to_string(result), str)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(
        st.text(max_size=80),
        st.lists(st.sampled_from(TOKENS), max_size=40).map("".join),
        st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join),
    ),
    context=CONTEXTS,
)
def test_random_text_compiles_or_raises_expression_error(text: str, context: EvalContext) -> None:
    try:
        expression = compile_expression(text, row="fuzz")
    except ExpressionError as error:
        assert str(error).startswith("riga 'fuzz': ")
        return
    _assert_value(expression.evaluate(context))
    assert all(f"${{{name}}}" in text for name in expression.references)


def _leaf() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NAMES).map(lambda name: f"${{{name}}}"),
        st.just("."),
        st.integers(0, 10**6).map(str),
        st.decimals(0, 10**4, places=3).map(str),
        st.text(
            st.characters(blacklist_characters="'", blacklist_categories=("Cs",)), max_size=6
        ).map(lambda s: f"'{s}'"),
        st.sampled_from(["'2024-01-31'", "'1990-05-02'", "''", "'a'", "'a b'"]),
        st.sampled_from(["today()", "true()", "false()"]),
    )


BINARY_OPERATORS = ["=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "div", "mod", "and", "or"]
UNARY_FUNCTIONS = [
    "not",
    "count-selected",
    "string",
    "number",
    "int",
    "string-length",
    "decimal-date-time",
    "boolean",
]


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(BINARY_OPERATORS), children, st.booleans()).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})" if t[3] else f"{t[0]} {t[1]} {t[2]}"
        ),
        children.map(lambda c: f"-{c}"),
        st.tuples(st.sampled_from(UNARY_FUNCTIONS), children).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(["selected", "coalesce"]), children, children).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"
        ),
        st.tuples(children, children, children).map(lambda t: f"if({t[0]}, {t[1]}, {t[2]})"),
        st.lists(children, min_size=1, max_size=3).map(lambda cs: f"concat({', '.join(cs)})"),
    )


EXPRESSIONS = st.recursive(_leaf(), _extend, max_leaves=20)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=EXPRESSIONS, contexts=st.lists(CONTEXTS, min_size=1, max_size=3))
def test_grammatical_expressions_evaluate_for_any_answers(
    text: str, contexts: list[EvalContext]
) -> None:
    expression = compile_expression(text, row="fuzz")
    for context in contexts:
        _assert_value(expression.evaluate(context))
        assert isinstance(expression.evaluate_bool(context), bool)
        assert isinstance(is_relevant(text, context), bool)
    assert expression.references <= set(NAMES)


def test_every_function_is_exercised_by_the_grammar_or_the_table() -> None:
    covered = set(UNARY_FUNCTIONS) | {
        "selected",
        "coalesce",
        "if",
        "concat",
        "today",
        "true",
        "false",
    }
    assert covered == set(FUNCTIONS)


# Sums of products, written without parentheses: the parser's precedence and associativity
# must give what Python's integer arithmetic gives for the same structure.
SMALL = st.integers(-99, 99)
TERMS = st.lists(st.lists(SMALL, min_size=1, max_size=3), min_size=1, max_size=6)


def _sum_of_products(terms: list[list[int]], signs: list[str]) -> tuple[str, int]:
    products = [reduce(lambda x, y: x * y, factors) for factors in terms]
    text = " * ".join(map(str, terms[0]))
    value = products[0]
    for sign, factors, product in zip(signs, terms[1:], products[1:], strict=False):
        text += f" {sign} " + " * ".join(map(str, factors))
        value = value + product if sign == "+" else value - product
    return text, value


@given(terms=TERMS, signs=st.lists(st.sampled_from("+-"), min_size=5, max_size=5))
def test_integer_arithmetic_matches_python(terms: list[list[int]], signs: list[str]) -> None:
    text, expected = _sum_of_products(terms, signs)
    assert run(text) == expected


COMPARISONS = {
    "=": int.__eq__,
    "!=": int.__ne__,
    "<": int.__lt__,
    "<=": int.__le__,
    ">": int.__gt__,
    ">=": int.__ge__,
}


@given(
    clauses=st.lists(
        st.lists(
            st.tuples(
                TERMS,
                st.sampled_from(sorted(COMPARISONS)),
                TERMS,
                st.lists(st.sampled_from("+-"), min_size=10, max_size=10),
            ),
            min_size=1,
            max_size=3,
        ),
        min_size=1,
        max_size=3,
    )
)
def test_comparisons_and_logic_match_python(
    clauses: list[list[tuple[Any, str, Any, list[str]]]],
) -> None:
    """`c1 and c2 or c3 …` without parentheses, each c a comparison of two sums of products."""
    texts, values = [], []
    for clause in clauses:
        parts, results = [], []
        for left_terms, operator, right_terms, signs in clause:
            left, left_value = _sum_of_products(left_terms, signs[:5])
            right, right_value = _sum_of_products(right_terms, signs[5:])
            parts.append(f"{left} {operator} {right}")
            results.append(COMPARISONS[operator](left_value, right_value))
        texts.append(" and ".join(parts))
        values.append(all(results))
    assert run(" or ".join(texts)) is any(values)


def _arithmetic_tree() -> st.SearchStrategy[tuple[str, float]]:
    """Fully parenthesized trees with div and mod, paired with the value Python computes with
    the same float operations (XPath numbers are doubles; mod is math.fmod)."""
    leaves = SMALL.map(lambda i: (str(i), float(i)))

    def combine(t: tuple[tuple[str, float], str, tuple[str, float]]) -> tuple[str, float]:
        (left, lv), operator, (right, rv) = t
        if operator in ("div", "mod") and rv == 0:
            right, rv = f"({right} + 1)", rv + 1
        value = {
            "+": lambda: lv + rv,
            "-": lambda: lv - rv,
            "*": lambda: lv * rv,
            "div": lambda: lv / rv,
            "mod": lambda: math.fmod(lv, rv),
        }[operator]()
        return f"({left} {operator} {right})", value

    def extend(
        children: st.SearchStrategy[tuple[str, float]],
    ) -> st.SearchStrategy[tuple[str, float]]:
        return st.one_of(
            st.tuples(children, st.sampled_from(["+", "-", "*", "div", "mod"]), children).map(
                combine
            ),
            children.map(lambda c: (f"-{c[0]}", -c[1])),
        )

    return st.recursive(leaves, extend, max_leaves=12)


@given(tree=_arithmetic_tree())
def test_div_and_mod_match_python_floats(tree: tuple[str, float]) -> None:
    text, expected = tree
    assert run(text) == expected


@given(dividend=st.integers(-(10**6), 10**6), divisor=st.integers(-1000, 1000).filter(bool))
def test_mod_is_the_truncated_remainder(dividend: int, divisor: int) -> None:
    result = run(f"{dividend} mod {divisor}")
    assert result == math.fmod(dividend, divisor)
    assert result == 0 or (result > 0) == (dividend > 0)
    assert run(f"{dividend} div {divisor}") == dividend / divisor


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_number_string_round_trip(number: float) -> None:
    """string() never uses an exponent, and number() reads back exactly what string() wrote."""
    text = to_string(number)
    assert "e" not in text.lower()
    assert to_number(text) == number
