"""Both rapiq filter dialects parse into the same condition tree (core-and-storage.md §2.1)."""

from __future__ import annotations

import pytest

from flame_hub.testing.fakehub.query.bracket import parse_bracket_value
from flame_hub.testing.fakehub.query.conditions import Condition, Group, Negation, Value, coerce, evaluate
from flame_hub.testing.fakehub.query.expression import SyntaxIssue, parse_expression


def test_coercion() -> None:
    assert coerce("null").coerced is None
    assert coerce("true").coerced is True
    assert coerce("FALSE").coerced is False
    assert coerce("18").coerced == 18
    assert coerce("1.5").coerced == 1.5
    assert coerce("18a").coerced == "18a"


def test_expression_quotes_and_escapes() -> None:
    node = parse_expression("eq(displayName,'it''s, ~ <odd>')")
    assert node == Condition("displayName", "eq", Value("it's, ~ <odd>", "it's, ~ <odd>"))


def test_expression_compounds_and_lists() -> None:
    node = parse_expression("and(in(type,'a','b'),not(eq(name,'x')),or(gt(n,'1'),nin(k,'z')))")
    assert isinstance(node, Group) and node.kind == "and"
    assert node.items[0] == Condition("type", "in", (coerce("a"), coerce("b")))
    assert isinstance(node.items[1], Negation)
    inner = node.items[2]
    assert isinstance(inner, Group) and inner.kind == "or"
    assert isinstance(inner.items[1], Negation)


def test_like_values_are_not_coerced() -> None:
    assert parse_expression("contains(name,'12')") == Condition("name", "contains", Value("12", "12"))


@pytest.mark.parametrize(
    "text",
    ["eq(name,'x'", "eq(name,x)", "bogus(name,'x')", "eq(name)", "eq(name,'a','b')", "eq(name,'x'))", "'x'"],
)
def test_expression_syntax_errors(text: str) -> None:
    with pytest.raises(SyntaxIssue):
        parse_expression(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("abc", Condition("k", "eq", coerce("abc"))),
        ("!abc", Negation(Condition("k", "eq", coerce("abc")))),
        ("<5", Condition("k", "lt", coerce("5"))),
        ("<=5", Condition("k", "lte", coerce("5"))),
        (">5", Condition("k", "gt", coerce("5"))),
        (">=5", Condition("k", "gte", coerce("5"))),
        ("!>=5", Condition("k", "gte", coerce("5"))),
        ("~ab~", Condition("k", "contains", Value("ab", "ab"))),
        ("ab~", Condition("k", "startsWith", Value("ab", "ab"))),
        ("~ab", Condition("k", "endsWith", Value("ab", "ab"))),
        ("!~ab~", Negation(Condition("k", "contains", Value("ab", "ab")))),
        ("a,b", Condition("k", "in", (coerce("a"), coerce("b")))),
        ("!a,b", Negation(Condition("k", "in", (coerce("a"), coerce("b"))))),
        ("null", Condition("k", "eq", coerce("null"))),
        ("!null", Negation(Condition("k", "eq", coerce("null")))),
    ],
)
def test_bracket_operators(value: str, expected: object) -> None:
    assert parse_bracket_value("k", value) == expected


@pytest.mark.parametrize("value", ["", "!", "~~", "<=", ">", "~", ","])
def test_bracket_empty_operands_drop_the_condition(value: str) -> None:
    assert parse_bracket_value("k", value) is None


def test_evaluation_is_case_insensitive_and_null_inclusive() -> None:
    row = {"name": "Alpha", "n": 3, "flag": True, "gone": None}

    def check(text: str) -> bool:
        return evaluate(parse_expression(text), row.get)

    assert check("eq(name,'ALPHA')")
    assert check("startsWith(name,'al')") and check("endsWith(name,'PHA')") and check("contains(name,'lph')")
    assert check("not(eq(gone,'x'))")  # a negation matches NULL rows
    assert check("eq(gone,'null')") and not check("not(eq(gone,'null'))")
    assert check("gt(n,'2')") and not check("lt(n,'3')") and check("lte(n,'3')")
    assert check("eq(flag,'true')") and not check("eq(flag,'false')")
    assert check("in(name,'beta','alpha')") and check("in(gone,'null','x')")
    assert not check("contains(name,'%')")  # LIKE values are literal
