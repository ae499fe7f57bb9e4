"""Splitting an expression into tokens, failing on the first character that fits none."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from .errors import ExpressionError


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # number | string | ref | name | op | end
    text: str  # the number's digits, the string's content, the reference's name, the operator
    position: int


# XLSForm names are XML names: a letter or underscore, then letters, digits, '_', '-', '.'.
_REF_NAME = re.compile(r"[^\W\d][\w.\-]*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
# Function and operator names; '-' is a name character in XPath (count-selected).
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_TWO_CHAR_OPERATORS: Final = ("!=", "<=", ">=")
_ONE_CHAR_OPERATORS: Final = frozenset("=<>+-*(),.")


def tokenize(text: str, row: str) -> list[Token]:
    """Split an expression into tokens, failing on the first character that fits no token."""
    tokens: list[Token] = []
    position, length = 0, len(text)

    def fail(detail: str, at: int) -> ExpressionError:
        return ExpressionError(detail, row=row, position=at, text=text)

    while position < length:
        char = text[position]
        if char.isspace():
            position += 1
            continue
        if char.isdigit() or (
            char == "." and position + 1 < length and text[position + 1].isdigit()
        ):
            match = _NUMBER.match(text, position)
            if match is None:  # a non-ASCII digit, which XPath does not accept
                raise fail(f"carattere non valido {char!r}", position)
            tokens.append(Token("number", match.group(), position))
            position = match.end()
        elif char == "$":
            if not text.startswith("${", position):
                raise fail("'$' deve iniziare un riferimento ${nome}", position)
            match = _REF_NAME.match(text, position + 2)
            if match is None or not text.startswith("}", match.end()):
                raise fail("riferimento non valido: si scrive ${nome_domanda}", position)
            tokens.append(Token("ref", match.group(), position))
            position = match.end() + 1
        elif char in "'\"":
            end = text.find(char, position + 1)
            if end < 0:
                raise fail(f"stringa non chiusa: manca {char}", position)
            tokens.append(Token("string", text[position + 1 : end], position))
            position = end + 1
        elif text.startswith(_TWO_CHAR_OPERATORS, position):
            tokens.append(Token("op", text[position : position + 2], position))
            position += 2
        elif char in _ONE_CHAR_OPERATORS:
            tokens.append(Token("op", char, position))
            position += 1
        elif char == "/":
            raise fail("i percorsi XPath (/data/…) non sono ammessi: usa ${nome}", position)
        else:
            match = _NAME.match(text, position)
            if match is None:
                raise fail(f"carattere non valido {char!r}", position)
            tokens.append(Token("name", match.group(), position))
            position = match.end()
    tokens.append(Token("end", "", length))
    return tokens
