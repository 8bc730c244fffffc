"""Every filter operator in both dialects (core-and-storage.md §2.1, auth.md §2.3, observed.md).

The data set is a handful of projects: ``name`` is a lower-case slug (projects enforce authup name
rules), ``displayName`` is free text (3-256 chars, nullable), which lets us put ``, ! < ~ % '`` in values.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.conformance

DISPLAY_NAMES = {
    "alpha-one": "Alpha, One",
    "alpha-two": "It's two",
    "beta-three": "!bang",
    "gamma_four": "<less",
    "delta.five": "~tilde~",
    "epsilon-six": None,
    "zeta-seven": "Alpha",
    "eta-eight": "100% pure",
    "theta-nine": "tilde",
    "iota-ten": "null",
}
ALL = frozenset(DISPLAY_NAMES)


def everything_but(*names: str) -> set[str]:
    return set(ALL - set(names))


@pytest.fixture
def projects(api):
    for name, display_name in DISPLAY_NAMES.items():
        api.project(name=name, displayName=display_name)

    def names(params) -> set[str]:
        response = api.get("/core/projects", params=params)
        assert response.status_code == 200, response.text
        return {row["name"] for row in response.json()["data"]}

    assert names({}) == set(ALL), "the data set must be exactly the projects created here"
    return names


def expr(text: str) -> dict[str, str]:
    return {"filter": text}


def bracket(**filters: str) -> dict[str, str]:
    return {f"filter[{key}]": value for key, value in filters.items()}


# -- equality --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params", [bracket(name="alpha-one"), expr("eq(name,'alpha-one')")], ids=["bracket", "expression"]
)
def test_equal(projects, params):
    """core-and-storage.md §2.1: `v` / eq(f,'v') is equality."""
    assert projects(params) == {"alpha-one"}


@pytest.mark.parametrize(
    "params",
    [bracket(displayName="!Alpha"), expr("not(eq(displayName,'Alpha'))")],
    ids=["bracket", "expression"],
)
def test_not_equal_includes_null_rows(projects, params):
    """core-and-storage.md §2.1: `!v` / not(eq(f,'v')) is the null-inclusive complement."""
    assert projects(params) == everything_but("zeta-seven")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (bracket(name="ALPHA-ONE"), {"alpha-one"}),
        (expr("eq(name,'ALPHA-ONE')"), {"alpha-one"}),
        (bracket(displayName="alpha"), {"zeta-seven"}),
        (expr("eq(displayName,'alpha')"), {"zeta-seven"}),
    ],
    ids=["bracket", "expression", "bracket-stored-mixed-case", "expression-stored-mixed-case"],
)
def test_equality_is_case_insensitive(projects, params, expected):
    """core-and-storage.md §2.1 / auth.md §2.3: string equality is case-insensitive."""
    assert projects(params) == expected


# -- comparisons -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (bracket(name="<beta-three"), {"alpha-one", "alpha-two"}),
        (expr("lt(name,'beta-three')"), {"alpha-one", "alpha-two"}),
        (bracket(name="<=beta-three"), {"alpha-one", "alpha-two", "beta-three"}),
        (expr("lte(name,'beta-three')"), {"alpha-one", "alpha-two", "beta-three"}),
        (bracket(name=">iota-ten"), {"theta-nine", "zeta-seven"}),
        (expr("gt(name,'iota-ten')"), {"theta-nine", "zeta-seven"}),
        (bracket(name=">=iota-ten"), {"iota-ten", "theta-nine", "zeta-seven"}),
        (expr("gte(name,'iota-ten')"), {"iota-ten", "theta-nine", "zeta-seven"}),
    ],
    ids=[
        "lt-bracket",
        "lt-expr",
        "lte-bracket",
        "lte-expr",
        "gt-bracket",
        "gt-expr",
        "gte-bracket",
        "gte-expr",
    ],
)
def test_comparisons(projects, params, expected):
    """core-and-storage.md §2.1: `<v` `<=v` `>v` `>=v` / lt lte gt gte compare in collation order."""
    assert projects(params) == expected


# -- lists -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [bracket(name="alpha-one,beta-three"), expr("in(name,'alpha-one','beta-three')")],
    ids=["bracket", "expression"],
)
def test_in(projects, params):
    """core-and-storage.md §2.1: `a,b` / in(f,'a','b') is list membership."""
    assert projects(params) == {"alpha-one", "beta-three"}


@pytest.mark.parametrize(
    "params",
    [bracket(name="!alpha-one,beta-three"), expr("nin(name,'alpha-one','beta-three')")],
    ids=["bracket", "expression"],
)
def test_not_in(projects, params):
    """core-and-storage.md §2.1: `!a,b` / nin(f,'a','b') is NOT IN (`!` only on the first element)."""
    assert projects(params) == everything_but("alpha-one", "beta-three")


@pytest.mark.parametrize(
    "params",
    [bracket(name="ALPHA-ONE,Beta-Three"), expr("in(name,'ALPHA-ONE','Beta-Three')")],
    ids=["bracket", "expression"],
)
def test_in_is_case_insensitive(projects, params):
    """core-and-storage.md §2.1: in() is case-insensitive for strings."""
    assert projects(params) == {"alpha-one", "beta-three"}


def test_in_with_a_null_member_adds_is_null(projects):
    """core-and-storage.md §2.1: a 'null' member of in() adds OR f IS NULL."""
    assert projects(expr("in(displayName,'null','Alpha')")) == {"epsilon-six", "zeta-seven"}


# -- LIKE family -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (bracket(name="~et~"), {"beta-three", "zeta-seven", "eta-eight", "theta-nine"}),
        (expr("contains(name,'et')"), {"beta-three", "zeta-seven", "eta-eight", "theta-nine"}),
        (bracket(name="alpha~"), {"alpha-one", "alpha-two"}),
        (expr("startsWith(name,'alpha')"), {"alpha-one", "alpha-two"}),
        (bracket(name="~e"), {"alpha-one", "beta-three", "delta.five", "theta-nine"}),
        (expr("endsWith(name,'e')"), {"alpha-one", "beta-three", "delta.five", "theta-nine"}),
    ],
    ids=[
        "contains-bracket",
        "contains-expr",
        "startswith-bracket",
        "startswith-expr",
        "endswith-bracket",
        "endswith-expr",
    ],
)
def test_contains_starts_with_ends_with(projects, params, expected):
    """core-and-storage.md §2.1 / observed.md: `~v~` contains, `v~` starts with, `~v` ends with."""
    assert projects(params) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (bracket(name="!~et~"), everything_but("beta-three", "zeta-seven", "eta-eight", "theta-nine")),
        (
            expr("not(contains(name,'et'))"),
            everything_but("beta-three", "zeta-seven", "eta-eight", "theta-nine"),
        ),
        (bracket(name="!alpha~"), everything_but("alpha-one", "alpha-two")),
        (expr("not(startsWith(name,'alpha'))"), everything_but("alpha-one", "alpha-two")),
        (bracket(name="!~e"), everything_but("alpha-one", "beta-three", "delta.five", "theta-nine")),
        (
            expr("not(endsWith(name,'e'))"),
            everything_but("alpha-one", "beta-three", "delta.five", "theta-nine"),
        ),
    ],
    ids=[
        "contains-bracket",
        "contains-expr",
        "startswith-bracket",
        "startswith-expr",
        "endswith-bracket",
        "endswith-expr",
    ],
)
def test_negated_like_operators(projects, params, expected):
    """core-and-storage.md §2.1: `!~v~`, `!v~`, `!~v` / not(contains|startsWith|endsWith)."""
    assert projects(params) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (bracket(displayName="~ALPHA~"), {"alpha-one", "zeta-seven"}),
        (expr("contains(displayName,'ALPHA')"), {"alpha-one", "zeta-seven"}),
        (expr("startsWith(name,'ALPHA')"), {"alpha-one", "alpha-two"}),
        (expr("endsWith(displayName,'PURE')"), {"eta-eight"}),
    ],
    ids=["contains-bracket", "contains-expr", "startswith-expr", "endswith-expr"],
)
def test_like_operators_are_case_insensitive(projects, params, expected):
    """core-and-storage.md §2.1 / observed.md: contains/startsWith/endsWith are case-insensitive."""
    assert projects(params) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (expr("contains(displayName,'%')"), {"eta-eight"}),
        (bracket(displayName="~%~"), {"eta-eight"}),
        (expr("contains(name,'_')"), {"gamma_four"}),
        (bracket(name="~_~"), {"gamma_four"}),
    ],
    ids=["percent-expr", "percent-bracket", "underscore-expr", "underscore-bracket"],
)
def test_like_values_match_literally(projects, params, expected):
    """core-and-storage.md §2.1: LIKE values are matched literally (the server escapes % and _)."""
    assert projects(params) == expected


# -- null ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params", [bracket(displayName="null"), expr("eq(displayName,'null')")], ids=["bracket", "expression"]
)
def test_null_is_is_null(projects, params):
    """core-and-storage.md §2.1: `null` / eq(f,'null') → IS NULL (so the string "null" cannot be matched)."""
    assert projects(params) == {"epsilon-six"}


@pytest.mark.parametrize(
    "params",
    [bracket(displayName="!null"), expr("not(eq(displayName,'null'))")],
    ids=["bracket", "expression"],
)
def test_not_null_is_is_not_null(projects, params):
    """core-and-storage.md §2.1: `!null` / not(eq(f,'null')) → IS NOT NULL."""
    assert projects(params) == everything_but("epsilon-six")


# -- coercion --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "hidden"),
    [
        (bracket(hidden="true"), True),
        (expr("eq(hidden,'true')"), True),
        (bracket(hidden="false"), False),
        (expr("eq(hidden,'false')"), False),
    ],
    ids=["true-bracket", "true-expr", "false-bracket", "false-expr"],
)
def test_boolean_values_are_coerced(api, params, hidden):
    """core-and-storage.md §2.1 / §6.6: 'true'/'false' are coerced to booleans in both dialects."""
    shown = api.node(hidden=False)
    concealed = api.node(hidden=True)
    expected = concealed if hidden else shown
    assert api.ids("/core/nodes", params=params) == [expected["id"]]


# -- compounds -------------------------------------------------------------------------------------


def test_bracket_keys_are_anded(projects):
    """core-and-storage.md §2.1 B: several bracket keys are AND-ed."""
    assert projects({"filter[name]": "alpha~", "filter[displayName]": "~two"}) == {"alpha-two"}


def test_expression_and(projects):
    """core-and-storage.md §2.1 A: and(e1, e2)."""
    assert projects(expr("and(startsWith(name,'alpha'),endsWith(displayName,'two'))")) == {"alpha-two"}


def test_expression_or(projects):
    """core-and-storage.md §2.1 A / observed.md: or() works in core."""
    assert projects(expr("or(eq(name,'alpha-one'),eq(name,'iota-ten'))")) == {"alpha-one", "iota-ten"}


def test_expression_nesting(projects):
    """core-and-storage.md §2.1 A: compounds are nestable."""
    params = expr("or(eq(name,'alpha-one'),and(startsWith(name,'beta'),not(eq(displayName,'null'))))")
    assert projects(params) == {"alpha-one", "beta-three"}


# -- quoting: values with , ' ! < ~ only via the expression dialect --------------------------------


def test_doubled_quote_escapes_a_quote(projects):
    """core-and-storage.md §2.1 A: '' escapes a quote inside a value."""
    assert projects(expr("eq(displayName,'It''s two')")) == {"alpha-two"}


def test_comma_in_a_value(projects):
    """core-and-storage.md §2.1: quoted values are never split on commas; a bracket value with a comma
    always becomes an IN list."""
    assert projects(expr("eq(displayName,'Alpha, One')")) == {"alpha-one"}
    assert projects(bracket(displayName="Alpha, One")) == {"zeta-seven"}


def test_leading_bang_in_a_value(projects):
    """core-and-storage.md §2.1: `!` inside quotes is literal; a leading bracket `!` is always "not equal"."""
    assert projects(expr("eq(displayName,'!bang')")) == {"beta-three"}
    assert projects(bracket(displayName="!bang")) == set(ALL)


def test_leading_less_than_in_a_value(projects):
    """core-and-storage.md §2.1: `<` inside quotes is literal; a leading bracket `<` is a comparison."""
    assert projects(expr("eq(displayName,'<less')")) == {"gamma_four"}
    compared = projects(bracket(displayName="<less"))
    assert compared != {"gamma_four"}
    assert "alpha-one" in compared  # "Alpha, One" < "less" in any collation


def test_tildes_in_a_value(projects):
    """core-and-storage.md §2.1: `~` inside quotes is literal; bracket `~v~` is always "contains"."""
    assert projects(expr("eq(displayName,'~tilde~')")) == {"delta.five"}
    assert projects(bracket(displayName="~tilde~")) == {"delta.five", "theta-nine"}


# -- dialect dispatch and syntax -------------------------------------------------------------------


def test_codec_stamp_selects_the_expression_dialect(projects):
    """core-and-storage.md §2.1: codec=url-expression&filter=<expr> (what the TS client sends)."""
    assert projects({"codec": "url-expression", "filter": "eq(name,'alpha-two')"}) == {"alpha-two"}


def test_unknown_codec_is_400(api):
    """core-and-storage.md §2.1: an unknown codec value → 400."""
    response = api.get("/core/projects", params={"codec": "url-bogus", "filter": "eq(name,'x')"})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


@pytest.mark.parametrize("text", ["eq(name,'alpha-one'", "eq(name,alpha-one)", "bogus(name,'x')"])
def test_expression_syntax_error_is_400(api, text):
    """core-and-storage.md §2.1 A: syntax errors → 400 bad_request (values must be single-quoted)."""
    response = api.get("/core/projects", params={"filter": text})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_bang_before_a_comparison_is_discarded(projects):
    """core-and-storage.md §2.1 B: a `!` before `<`, `<=`, `>`, `>=` is silently discarded."""
    assert projects(bracket(name="!<beta-three")) == {"alpha-one", "alpha-two"}
    assert projects(bracket(name="!>=iota-ten")) == {"iota-ten", "theta-nine", "zeta-seven"}


def test_empty_filter_string_applies_no_filter(projects):
    """core-and-storage.md §2.1: an empty `filter=` goes to the simple dialect → nothing to apply."""
    assert projects({"filter": ""}) == set(ALL)


def test_empty_bracket_operators_drop_the_condition(projects):
    """core-and-storage.md §2.1 B: an empty value, `!`, `~~` or `<=` alone drops the condition."""
    for value in ("", "!", "~~", "<="):
        assert projects(bracket(name=value)) == set(ALL), value


# -- the same dialects at authup -------------------------------------------------------------------


@pytest.fixture
def realms(api):
    for name, display in (("r-alpha", "First realm"), ("r-beta", None), ("r-gamma", "Third realm")):
        api.realm(name=name, displayName=display)

    def names(params) -> set[str]:
        response = api.get("/auth/realms", params=params)
        assert response.status_code == 200, response.text
        return {row["name"] for row in response.json()["data"]}

    return names


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (expr("eq(name,'master')"), {"master"}),
        (bracket(name="master"), {"master"}),
        (bracket(name="R-ALPHA"), {"r-alpha"}),
        (bracket(name="!master"), {"r-alpha", "r-beta", "r-gamma"}),
        (expr("not(eq(name,'master'))"), {"r-alpha", "r-beta", "r-gamma"}),
        (bracket(name="r-alpha,r-gamma"), {"r-alpha", "r-gamma"}),
        (expr("in(name,'r-alpha','r-gamma')"), {"r-alpha", "r-gamma"}),
        (bracket(name="!r-alpha,r-gamma"), {"master", "r-beta"}),
        (expr("nin(name,'r-alpha','r-gamma')"), {"master", "r-beta"}),
        (bracket(name="r-~"), {"r-alpha", "r-beta", "r-gamma"}),
        (expr("startsWith(name,'r-')"), {"r-alpha", "r-beta", "r-gamma"}),
        (bracket(name="~ta"), {"r-beta"}),
        (expr("endsWith(name,'ta')"), {"r-beta"}),
        (bracket(name="~amm~"), {"r-gamma"}),
        (expr("contains(name,'AMM')"), {"r-gamma"}),
        (bracket(name="<r-beta"), {"master", "r-alpha"}),
        (expr("lt(name,'r-beta')"), {"master", "r-alpha"}),
        (bracket(name="<=r-beta"), {"master", "r-alpha", "r-beta"}),
        (expr("lte(name,'r-beta')"), {"master", "r-alpha", "r-beta"}),
        (bracket(name=">r-beta"), {"r-gamma"}),
        (expr("gt(name,'r-beta')"), {"r-gamma"}),
        (bracket(name=">=r-beta"), {"r-beta", "r-gamma"}),
        (expr("gte(name,'r-beta')"), {"r-beta", "r-gamma"}),
        (bracket(name="r-~", displayName="null"), {"r-beta"}),
        (expr("and(startsWith(name,'r-'),eq(displayName,'null'))"), {"r-beta"}),
        (expr("or(eq(name,'master'),eq(name,'r-beta'))"), {"master", "r-beta"}),
        (expr("and(startsWith(name,'r-'),not(eq(displayName,'null')))"), {"r-alpha", "r-gamma"}),
        (bracket(builtIn="true"), {"master"}),
        (expr("eq(builtIn,'false')"), {"r-alpha", "r-beta", "r-gamma"}),
    ],
)
def test_authup_filter_operators(realms, params, expected):
    """auth.md §2.3: the same operators and both dialects at authup (observed.md: the expression
    dialect works at authup too); case-insensitive, values coerced ('true', 'null')."""
    assert realms(params) == expected


# -- relation fields -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"include": "registry", "filter[registry.name]": "harbor-one"},
        {"include": "registry", "filter": "eq(registry.name,'harbor-one')"},
    ],
    ids=["bracket", "expression"],
)
def test_relation_field_filter(api, params):
    """core-and-storage.md §2.1: filter on a relation field when the relation is allowed and included."""
    one = api.registry(name="harbor-one")
    two = api.registry(name="harbor-two")
    wanted = api.node(registryId=one["id"])
    api.node(registryId=two["id"])
    api.node()
    assert api.ids("/core/nodes", params=params) == [wanted["id"]]
