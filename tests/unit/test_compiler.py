"""The query compiler and the find_* argument translation: exact wire parameters, checked keys, safe values."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from flame_hub.clients.params import page_window, parse_bracket_value, query_from_find
from flame_hub.exceptions import FieldError, NotSupportedError, QueryValueError
from flame_hub.models import MasterImageGroup, Node, Realm, User
from flame_hub.query import Q, Query
from flame_hub.query.compiler import EmptyResultSet, ResolvedField, _format, compile_query
from flame_hub.types import FilterOperator, only

UID = uuid.UUID("7f1c9a52-0000-4000-8000-000000000001")


def params(model: type, query: Query, **kw: int) -> list[tuple[str, str]]:
    return compile_query(model, query, **kw)


def where(**lookups: object) -> Query:
    return Query(where=Q(**lookups))


# -- lookups in the bracket dialect ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lookups", "expected"),
    [
        ({"name": "x"}, [("filter[name]", "x")]),
        ({"name__exact": "x"}, [("filter[name]", "x")]),
        ({"name__contains": "x"}, [("filter[name]", "~x~")]),
        ({"name__like": "x"}, [("filter[name]", "~x~")]),
        ({"name__icontains": "x"}, [("filter[name]", "~x~")]),
        ({"name__startswith": "x"}, [("filter[name]", "x~")]),
        ({"name__endswith": "x"}, [("filter[name]", "~x")]),
        ({"name__ne": "x"}, [("filter[name]", "!x")]),
        ({"name__in": ["a", "b"]}, [("filter[name]", "a,b")]),
        ({"hidden": True}, [("filter[hidden]", "true")]),
        ({"hidden": False}, [("filter[hidden]", "false")]),
        ({"realm_id": None}, [("filter[realmId]", "null")]),
        ({"realm_id__isnull": False}, [("filter[realmId]", "!null")]),
        ({"realm_id": UID}, [("filter[realmId]", str(UID))]),
        ({"realm_id": str(UID)}, [("filter[realmId]", str(UID))]),
    ],
)
def test_simple_conditions_use_the_bracket_dialect(
    lookups: dict[str, object], expected: list[tuple[str, str]]
) -> None:
    assert params(Node, where(**lookups)) == expected


def test_records_stand_for_their_id() -> None:
    realm = Realm(id=UID, name="master")
    assert params(Node, where(realm_id=realm)) == [("filter[realmId]", str(UID))]


def test_datetimes_are_utc_iso_with_milliseconds() -> None:
    # no resource of Hub v0.14 filters by a timestamp, so the formatter is checked directly
    field = ResolvedField("createdAt", "datetime", "created_at", ())
    moment = dt.datetime(2026, 8, 20, 12, 21, 5, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert _format(field, moment) == "2026-08-20T10:21:05.123Z"
    assert _format(field, dt.datetime(2026, 8, 20, 10, 0)) == "2026-08-20T10:00:00.000Z"


@pytest.mark.parametrize("value", ["a,b", "~x", "!x", "<5", ">x", "x~", ""])
def test_values_the_bracket_dialect_would_misread_use_the_expression_dialect(value: str) -> None:
    quoted = "'" + value.replace("'", "''") + "'"
    assert params(Node, where(name=value)) == [("filter", f"eq(name,{quoted})")]


def test_quotes_are_doubled() -> None:
    assert params(Node, where(name="it's")) == [("filter[name]", "it's")]
    assert params(Node, where(name="it's,x")) == [("filter", "eq(name,'it''s,x')")]


def test_or_and_not_compile_to_expressions() -> None:
    query = Query(where=Q(name="a") | ~Q(hidden=True))
    assert params(Node, query) == [("filter", "or(eq(name,'a'),not(eq(hidden,'true')))")]
    negated_pair = Query(where=~Q(name="a", hidden=True))
    assert params(Node, negated_pair) == [("filter", "not(and(eq(hidden,'true'),eq(name,'a')))")]


def test_two_conditions_on_one_key_use_the_expression_dialect() -> None:
    query = Query(where=Q(name__startswith="a") & Q(name__endswith="z"))
    assert params(Node, query) == [("filter", "and(startsWith(name,'a'),endsWith(name,'z'))")]


def test_negated_comparison_cannot_be_a_bracket() -> None:
    # the Hub discards a "!" before "<" in the bracket dialect
    assert params(MasterImageGroup, Query()) == []
    query = Query(where=~Q(name__lt="m"))
    assert params(Node, query) == [("filter", "not(lt(name,'m'))")]


def test_relation_filters_add_their_include() -> None:
    assert params(Node, where(registry__name="harbor")) == [
        ("filter[registry.name]", "harbor"),
        ("include", "registry"),
    ]


def test_empty_in_sends_nothing() -> None:
    with pytest.raises(EmptyResultSet):
        params(Node, where(id__in=[]))
    with pytest.raises(EmptyResultSet):
        params(Node, Query(empty=True))


# -- refused input --------------------------------------------------------------------------------------


def test_unknown_filter_key_is_refused_with_a_suggestion() -> None:
    with pytest.raises(FieldError, match=r"Did you mean 'name'\?"):
        params(Node, where(nmae="x"))


def test_a_field_that_exists_but_is_not_filterable_is_refused() -> None:
    with pytest.raises(FieldError, match="public_key"):
        params(Node, where(public_key="abc"))


def test_unknown_lookup_on_a_relation_is_refused() -> None:
    with pytest.raises(FieldError, match="no relation"):
        params(Node, where(project__name="x"))


@pytest.mark.parametrize(
    ("lookups", "error"),
    [
        ({"realm_id": "not-a-uuid"}, QueryValueError),
        ({"hidden": "yes"}, QueryValueError),
        ({"name__in": "ab"}, QueryValueError),
        ({"name__contains": ""}, QueryValueError),
        ({"name__lt": None}, QueryValueError),
        ({"name": "null"}, NotSupportedError),
        ({"name": "TRUE"}, NotSupportedError),
        ({"realm_id__isnull": "yes"}, QueryValueError),
    ],
)
def test_values_that_do_not_fit_are_refused(lookups: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        params(Node, where(**lookups))


# -- sort, fields, include, page -------------------------------------------------------------------------


def test_several_sort_keys_and_descending() -> None:
    assert params(Node, Query(ordering=("-created_at", "name"))) == [("sort", "-createdAt,name")]


def test_authup_refuses_several_sort_keys() -> None:
    with pytest.raises(NotSupportedError, match="one key"):
        params(Realm, Query(ordering=("name", "-created_at")))


def test_unsortable_resource_refuses_any_sort() -> None:
    with pytest.raises(FieldError, match="Allowed: none"):
        params(MasterImageGroup, Query(ordering=("name",)))


def test_unknown_sort_key_is_refused() -> None:
    with pytest.raises(FieldError, match="created_at"):
        params(Node, Query(ordering=("craeted_at",)))


def test_fields_replace_add_and_remove() -> None:
    assert params(User, query_from_find(User, fields=["email"])) == [("fields", "+email")]
    assert params(User, query_from_find(User, fields=["+email", "-display_name"])) == [
        ("fields", "+email,-displayName")
    ]
    assert params(User, query_from_find(User, fields=only("name", "email"))) == [("fields", "id,name,email")]
    with pytest.raises(FieldError):
        params(User, query_from_find(User, fields=["emial"]))


def test_includes_by_python_name_and_nested() -> None:
    assert params(Node, query_from_find(Node, include=["registry_project", "registry"])) == [
        ("include", "registryProject,registry")
    ]
    with pytest.raises(FieldError, match="Includable: registry, registry_project"):
        params(Node, query_from_find(Node, include="project"))


def test_parameters_come_in_a_fixed_order() -> None:
    query = query_from_find(
        Node, filter={"name": "x"}, sort={"by": "name"}, include="registry", fields=["public_key"]
    )
    assert [k for k, _ in params(Node, query, limit=10, offset=20)] == [
        "page[limit]",
        "page[offset]",
        "filter[name]",
        "sort",
        "include",
        "fields",
    ]


# -- the existing client's find_* arguments ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("x", [("filter[name]", "x")]),
        ("~my-node-4", [("filter[name]", "~my-node-4")]),
        ((FilterOperator.like, "my-node-4"), [("filter[name]", "~my-node-4")]),
        ((FilterOperator.neq, "x"), [("filter[name]", "!x")]),
        (("!", "x"), [("filter[name]", "!x")]),
        (("=", "x"), [("filter[name]", "x")]),
        (("", "x"), [("filter[name]", "x")]),
        ((FilterOperator.eq, "a,b"), [("filter", "eq(name,'a,b')")]),
        ((FilterOperator.eq, "~x"), [("filter", "eq(name,'~x')")]),
        (("contains", "x"), [("filter[name]", "~x~")]),
        (["a", "b"], [("filter[name]", "a,b")]),
        ((FilterOperator.neq, ["a", "b"]), [("filter[name]", "!a,b")]),
        (None, [("filter[name]", "null")]),
        ("a,b", [("filter[name]", "a,b")]),
        ("!null", [("filter[name]", "!null")]),
        ("~x~", [("filter[name]", "~x~")]),
    ],
)
def test_find_filter_values(value: object, expected: list[tuple[str, str]]) -> None:
    assert params(Node, query_from_find(Node, filter={"name": value})) == expected


def test_find_filter_keys_snake_camel_and_dotted() -> None:
    for key in ("realm_id", "realmId"):
        assert params(Node, query_from_find(Node, filter={key: UID})) == [("filter[realmId]", str(UID))]
    assert params(Node, query_from_find(Node, filter={"registry.name": "h"})) == [
        ("filter[registry.name]", "h"),
        ("include", "registry"),
    ]
    assert params(Node, query_from_find(Node, filter={"hidden": True})) == [("filter[hidden]", "true")]


def test_find_filter_comparisons() -> None:
    for op, prefix in (
        (FilterOperator.lt, "<"),
        (FilterOperator.le, "<="),
        (FilterOperator.gt, ">"),
        (FilterOperator.ge, ">="),
    ):
        assert params(Node, query_from_find(Node, filter={"name": (op, "m")})) == [
            ("filter[name]", f"{prefix}m")
        ]


def test_find_sort_forms() -> None:
    assert params(Node, query_from_find(Node, sort={"by": "created_at"})) == [("sort", "createdAt")]
    assert params(Node, query_from_find(Node, sort={"by": "created_at", "order": "descending"})) == [
        ("sort", "-createdAt")
    ]
    assert params(Node, query_from_find(Node, sort=[{"by": "name"}, "-created_at"])) == [
        ("sort", "name,-createdAt")
    ]
    with pytest.raises(QueryValueError, match="ascending"):
        query_from_find(Node, sort={"by": "name", "order": "up"})


def test_bracket_values_are_read_as_the_hub_reads_them() -> None:
    assert parse_bracket_value("~x") == ("endswith", "x", False)
    assert parse_bracket_value("x~") == ("startswith", "x", False)
    assert parse_bracket_value("!~x~") == ("contains", "x", True)
    assert parse_bracket_value("!<=5") == ("lte", "5", False)
    assert parse_bracket_value("!a,b") == ("in", ["a", "b"], True)


def test_page_defaults_and_limits() -> None:
    assert page_window(None) == (50, 0)
    assert page_window({"limit": 10}) == (10, 0)
    for bad in ({"limit": 51}, {"limit": 0}, {"limit": -1}, {"offset": -5}, {"limit": "5"}, {"size": 5}):
        with pytest.raises(QueryValueError):
            page_window(bad)  # type: ignore[arg-type]
