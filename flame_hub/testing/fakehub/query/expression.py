"""The rapiq expression dialect: ``filter=and(eq(name,'x'),in(type,'a','b'))``.

Grammar (core-and-storage.md §2.1 A): a call is ``function(arg, ...)``; comparison functions take a
field name (``[A-Za-z0-9_-]`` with dots for relation paths) and single-quoted values (``''`` escapes a
quote; quoted text is never split and ``~ ! < > ,`` inside it are literal). A syntax error raises
:class:`SyntaxIssue`; key checks are the engine's job (it knows the allow-lists).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .conditions import Condition, Group, Negation, Node, Value, coerce

_BINARY = {"eq", "lt", "lte", "gt", "gte"}
_LIKE = {"contains", "startsWith", "endsWith"}
_FIELD = re.compile(r"[A-Za-z0-9_\-.$]+")


class SyntaxIssue(Exception):
    """The expression cannot be parsed (answered as 400 ``syntaxInvalid``)."""


@dataclass(frozen=True)
class _Token:
    kind: str  # "ident" | "string" | "(" | ")" | ","
    text: str


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char.isspace():
            pos += 1
        elif char in "(),":
            tokens.append(_Token(char, char))
            pos += 1
        elif char == "'":
            pos += 1
            chunks: list[str] = []
            while True:
                end = text.find("'", pos)
                if end < 0:
                    raise SyntaxIssue("unterminated quoted value")
                chunks.append(text[pos:end])
                if text.startswith("''", end):
                    chunks.append("'")
                    pos = end + 2
                    continue
                pos = end + 1
                break
            tokens.append(_Token("string", "".join(chunks)))
        else:
            match = _FIELD.match(text, pos)
            if match is None:
                raise SyntaxIssue(f"unexpected character {char!r}")
            tokens.append(_Token("ident", match.group(0)))
            pos = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def _next(self, kind: str) -> _Token:
        if self.pos >= len(self.tokens) or self.tokens[self.pos].kind != kind:
            raise SyntaxIssue(f"expected {kind}")
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def _peek(self) -> str | None:
        return self.tokens[self.pos].kind if self.pos < len(self.tokens) else None

    def call(self) -> Node:
        name = self._next("ident").text
        self._next("(")
        if name in ("and", "or"):
            items = [self.call()]
            while self._peek() == ",":
                self.pos += 1
                items.append(self.call())
            self._next(")")
            return Group("and" if name == "and" else "or", tuple(items))
        if name == "not":
            item = self.call()
            self._next(")")
            return Negation(item)
        if name in _BINARY or name in _LIKE or name in ("in", "nin"):
            field = self._next("ident").text
            values: list[Value] = []
            while self._peek() == ",":
                self.pos += 1
                raw = self._next("string").text
                values.append(Value(raw, raw) if name in _LIKE else coerce(raw))
            self._next(")")
            if not values:
                raise SyntaxIssue(f"{name} needs a value")
            if name in ("in", "nin"):
                node: Node = Condition(field, "in", tuple(values))
                return Negation(node) if name == "nin" else node
            if len(values) != 1:
                raise SyntaxIssue(f"{name} takes one value")
            return Condition(field, name, values[0])  # type: ignore[arg-type]
        # elemMatch/size exist in rapiq but no hub schema can use them (core-and-storage.md §2.1).
        raise SyntaxIssue(f"unknown function {name!r}")


def parse_expression(text: str) -> Node:
    """Parse one expression string into a condition tree (raises :class:`SyntaxIssue`)."""
    parser = _Parser(_tokenize(text))
    node = parser.call()
    if parser.pos != len(parser.tokens):
        raise SyntaxIssue("trailing input")
    return node
