"""`ExpressionError`, and the caps on length and nesting that keep hostile input cheap."""

from __future__ import annotations

from typing import Final

# Real form expressions are a few hundred characters at most; the caps exist so that hostile or
# broken input fails fast with a readable error instead of exhausting the stack or the CPU.
MAX_LENGTH: Final = 2_000
# Counted as nested parser calls (parentheses, function arguments, unary minus and each step up
# the precedence ladder), which also bounds the depth of the AST and so of evaluation.
MAX_DEPTH: Final = 100


class ExpressionError(ValueError):
    """An expression that cannot be compiled, with the form row and position it came from.

    The message is Italian and self-contained ("riga 'isee': … (carattere 7)") because it is
    shown to the people who maintain the form; `row`, `position` (0-based, or None) and `detail`
    are kept separately for callers that format their own report.
    """

    def __init__(self, detail: str, *, row: str = "", position: int | None = None, text: str = ""):
        self.detail = detail
        self.row = row
        self.position = position
        self.text = text
        where = f"riga '{row}'" if row else "espressione"
        message = f"{where}: {detail}"
        if position is not None:
            message += f" (carattere {position + 1}"
            near = text[position : position + 15]
            if near.strip():
                message += f", vicino a «{near}»"
            message += ")"
        super().__init__(message)
