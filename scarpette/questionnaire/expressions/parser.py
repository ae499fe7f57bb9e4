"""Recursive descent with precedence climbing (Pratt) from tokens to the syntax tree; every
error names the form row and the character."""

from __future__ import annotations

from .errors import MAX_DEPTH, ExpressionError
from .functions import FUNCTIONS, Function
from .nodes import And, Call, Chain, Current, Negate, Node, Number, Or, Reference, String
from .operators import KEYWORD_OPERATORS, PRECEDENCE, UNARY_PRECEDENCE
from .tokenizer import Token, tokenize


def _describe(token: Token) -> str:
    """A token as a form author would recognise it in an error message."""
    if token.kind == "end":
        return "la fine dell'espressione"
    if token.kind == "string":
        return f"la stringa '{token.text}'"
    if token.kind == "ref":
        return f"${{{token.text}}}"
    return f"'{token.text}'"


class Parser:
    """Recursive descent with precedence climbing (Pratt) over the token list."""

    def __init__(self, text: str, row: str):
        self.text = text
        self.row = row
        self.tokens = tokenize(text, row)
        self.index = 0
        self.depth = 0

    def error(self, detail: str, token: Token) -> ExpressionError:
        return ExpressionError(detail, row=self.row, position=token.position, text=self.text)

    @property
    def peek(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def is_op(self, text: str) -> bool:
        return self.peek.kind == "op" and self.peek.text == text

    def parse(self) -> Node:
        node = self.expression(0)
        token = self.peek
        if token.kind != "end":
            if token.kind == "op" and token.text == ")":
                raise self.error("')' in più, senza '(' corrispondente", token)
            raise self.error(
                f"testo inatteso dopo un'espressione completa: {_describe(token)}", token
            )
        return node

    def infix_operator(self) -> str | None:
        token = self.peek
        if token.kind == "op" and token.text in PRECEDENCE:
            return token.text
        if token.kind == "name":
            if token.text in KEYWORD_OPERATORS:
                return token.text
            if token.text.lower() in KEYWORD_OPERATORS:
                raise self.error(
                    f"operatore '{token.text}' non valido: si scrive in minuscolo "
                    f"('{token.text.lower()}')",
                    token,
                )
        return None

    def expression(self, min_precedence: int) -> Node:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise self.error(
                    f"espressione troppo annidata (al massimo {MAX_DEPTH} livelli)", self.peek
                )
            left = self.prefix()
            while (operator := self.infix_operator()) is not None:
                precedence = PRECEDENCE[operator]
                if precedence < min_precedence:
                    break
                self.advance()
                right = self.expression(precedence + 1)
                left = _combine(left, operator, right, precedence)
            return left
        finally:
            self.depth -= 1

    def prefix(self) -> Node:
        token = self.advance()
        if token.kind == "number":
            return Number(float(token.text))
        if token.kind == "string":
            return String(token.text)
        if token.kind == "ref":
            return Reference(token.text)
        if token.kind == "op":
            if token.text == ".":
                return Current()
            if token.text == "-":
                return Negate(self.expression(UNARY_PRECEDENCE))
            if token.text == "(":
                inner = self.expression(0)
                self.expect_close(token)
                return inner
        if token.kind == "name":
            return self.call(token)
        if token.kind == "end":
            raise self.error("espressione incompleta: manca un valore alla fine", token)
        raise self.error(f"atteso un valore, trovato {_describe(token)}", token)

    def expect_close(self, opening: Token) -> None:
        token = self.peek
        if self.is_op(")"):
            self.advance()
            return
        if token.kind == "end":
            raise self.error(
                f"manca ')' per la parentesi aperta al carattere {opening.position + 1}", token
            )
        raise self.error(f"atteso ')', trovato {_describe(token)}", token)

    def call(self, name: Token) -> Node:
        if not self.is_op("("):
            if name.text in KEYWORD_OPERATORS:
                raise self.error(f"manca il valore prima di '{name.text}'", name)
            raise self.error(
                f"nome '{name.text}' non valido: le domande si citano come ${{{name.text}}}, "
                "le funzioni con le parentesi",
                name,
            )
        function = FUNCTIONS.get(name.text)
        if function is None:
            hint = f" (forse '{name.text.lower()}()'?)" if name.text.lower() in FUNCTIONS else ""
            raise self.error(f"funzione sconosciuta '{name.text}()'{hint}", name)
        opening = self.advance()
        args: list[Node] = []
        if self.is_op(")"):
            self.advance()
        else:
            while True:
                if self.is_op(",") or self.is_op(")"):
                    raise self.error(f"argomento mancante in {name.text}()", self.peek)
                args.append(self.expression(0))
                if self.is_op(","):
                    self.advance()
                    continue
                if self.peek.kind == "end":
                    raise self.error(
                        f"manca ')' per la chiamata {name.text}( al carattere "
                        f"{opening.position + 1}",
                        self.peek,
                    )
                if not self.is_op(")"):
                    raise self.error(f"atteso ',' o ')', trovato {_describe(self.peek)}", self.peek)
                self.advance()
                break
        count = len(args)
        if count < function.min_args or (
            function.max_args is not None and count > function.max_args
        ):
            raise self.error(f"{name.text}() {_arity(function)}, non {count}", name)
        return Call(name.text, tuple(args))


def _arity(function: Function) -> str:
    low, high = function.min_args, function.max_args
    if high is None:
        return f"vuole almeno {low} argomenti"
    if low == high:
        return (
            "non vuole argomenti" if low == 0 else f"vuole {low} argoment{'o' if low == 1 else 'i'}"
        )
    return f"vuole da {low} a {high} argomenti"


def _combine(left: Node, operator: str, right: Node, precedence: int) -> Node:
    """Build the node for `left operator right`, extending a flat chain when `left` already is
    one of the same level (always equivalent, since every level is left-associative)."""
    if operator == "or":
        return Or((*left.operands, right) if isinstance(left, Or) else (left, right))
    if operator == "and":
        return And((*left.operands, right) if isinstance(left, And) else (left, right))
    if isinstance(left, Chain) and left.level == precedence:
        return Chain(left.first, (*left.rest, (operator, right)), precedence)
    return Chain(left, ((operator, right),), precedence)
