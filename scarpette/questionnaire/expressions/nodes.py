"""The syntax tree: small frozen dataclasses, each evaluating itself against an `Env`."""

from __future__ import annotations

from dataclasses import dataclass

from .context import Env
from .functions import FUNCTIONS
from .operators import BINARY
from .values import InternalValue, to_bool, to_num


@dataclass(frozen=True, slots=True)
class Number:
    value: float

    def evaluate(self, env: Env) -> InternalValue:
        return self.value


@dataclass(frozen=True, slots=True)
class String:
    value: str

    def evaluate(self, env: Env) -> InternalValue:
        return self.value


@dataclass(frozen=True, slots=True)
class Reference:
    name: str

    def evaluate(self, env: Env) -> InternalValue:
        return env.lookup(self.name)


@dataclass(frozen=True, slots=True)
class Current:
    def evaluate(self, env: Env) -> InternalValue:
        return env.current()


@dataclass(frozen=True, slots=True)
class Negate:
    operand: Node

    def evaluate(self, env: Env) -> InternalValue:
        return -to_num(self.operand.evaluate(env))


@dataclass(frozen=True, slots=True)
class Or:
    """`a or b or …` as one node: short-circuits, and long chains add no depth."""

    operands: tuple[Node, ...]

    def evaluate(self, env: Env) -> InternalValue:
        return any(to_bool(operand.evaluate(env)) for operand in self.operands)


@dataclass(frozen=True, slots=True)
class And:
    operands: tuple[Node, ...]

    def evaluate(self, env: Env) -> InternalValue:
        return all(to_bool(operand.evaluate(env)) for operand in self.operands)


@dataclass(frozen=True, slots=True)
class Chain:
    """A left-associative run of operators of one precedence level: `a - b + c` is
    ((a - b) + c). Kept flat so that a long sum is evaluated by a loop, not by recursion."""

    first: Node
    rest: tuple[tuple[str, Node], ...]
    level: int

    def evaluate(self, env: Env) -> InternalValue:
        result = self.first.evaluate(env)
        for operator, operand in self.rest:
            result = BINARY[operator](result, operand.evaluate(env))
        return result


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Node, ...]

    def evaluate(self, env: Env) -> InternalValue:
        return FUNCTIONS[self.name].implementation(self.args, env)


Node = Number | String | Reference | Current | Negate | Or | And | Chain | Call


def references_of(node: Node) -> set[str]:
    """The `${names}` under a node (depth is bounded by MAX_DEPTH, so recursion is safe)."""
    if isinstance(node, Reference):
        return {node.name}
    if isinstance(node, Negate):
        return references_of(node.operand)
    if isinstance(node, Or | And):
        children: tuple[Node, ...] = node.operands
    elif isinstance(node, Chain):
        children = (node.first, *(operand for _, operand in node.rest))
    elif isinstance(node, Call):
        children = node.args
    else:
        return set()
    names: set[str] = set()
    for child in children:
        names |= references_of(child)
    return names
