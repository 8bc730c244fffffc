"""Bad input, property-based: whatever a caller or the Hub sends, the client either does the right thing
or raises one of its documented errors.

* any string (and list of strings) reaches FakeHub's own query parser as the condition the caller meant:
  no injection through ``, ~ ! ' ( )`` and no condition dropped;
* any id placed in a URL path addresses exactly one path segment, or is refused;
* any JSON the Hub answers is a record, ``UnexpectedResponseError`` (success bodies) or a ``HubAPIError``
  (error bodies) — never a bare ``KeyError``/``TypeError``/``ValidationError``.

Examples are bounded (``max_examples``) so the module runs in seconds.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from flame_hub import CoreClient, Hub
from flame_hub.auth import PasswordAuth
from flame_hub.engine.http import lit, path_segment
from flame_hub.exceptions import (
    HubAPIError,
    InvalidIdError,
    NotSupportedError,
    QueryValueError,
    UnexpectedResponseError,
    parse_error_body,
    raise_for_response,
)
from flame_hub.models import Node
from flame_hub.query.compiler import EmptyResultSet, compile_query
from flame_hub.query.lookups import Condition
from flame_hub.query.query import Q, Query
from flame_hub.testing import FakeHub
from flame_hub.testing.fakehub.qs import parse_qs
from flame_hub.testing.fakehub.query import conditions as fake
from flame_hub.testing.fakehub.query.decoder import QueryDecoder

QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Values that have meant something to one of the two filter dialects, to mix into random text.
TRICKY = [
    ",", "~", "!", "'", "(", ")", "''", "a,b", "~x~", "!x", "x~", "~x", "<5", "<=5", ">3", ">=3",
    "null", "NULL ", " null", "true", " False", "", " ", "%", "%2C", "+", "&", "=", "#", "?", "[", "]",
    "eq(name,'x')", "')", "',''", "not(", "\\", "é", "\x00", "\n", "1", "-1.5", "0x10", "a b",
]  # fmt: skip

text_values = st.one_of(
    st.text(max_size=12),
    st.sampled_from(TRICKY),
    st.lists(st.one_of(st.sampled_from(TRICKY), st.text(max_size=3)), max_size=4).map("".join),
)

# -- the query compiler reaches FakeHub's parser unchanged ------------------------------------------


def _leaf(lookup: str) -> Callable[[Any], Q]:
    return lambda value: Q(**{f"name__{lookup}": value})


leaves = st.one_of(
    st.builds(lambda v: Q(name=v), text_values),
    *(st.builds(_leaf(lookup), text_values) for lookup in ("ne", "contains", "startswith", "endswith")),
    st.builds(_leaf("in"), st.lists(text_values, max_size=4)),
    st.builds(lambda b: Q(hidden=b), st.booleans()),
)
trees = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(lambda a, b: a & b, inner, inner),
        st.builds(lambda a, b: a | b, inner, inner),
        st.builds(lambda a: ~a, inner),
    ),
    max_leaves=4,
)

_OPS = {"contains": "contains", "startswith": "startsWith", "endswith": "endsWith"}


def _kind(raw: str) -> str:
    """What rapiq (and FakeHub) make of a compared value: NULL, a boolean, or the text itself."""
    coerced = fake.coerce(raw).coerced
    return "NULL" if coerced is None else "BOOL" if isinstance(coerced, bool) else "TEXT"


def _group(kind: str, items: list[Any]) -> Any:
    flat: list[Any] = []
    for item in items:
        flat.extend(item[1] if item[0] == kind else (item,))
    unique = sorted(set(flat), key=repr)
    return unique[0] if len(unique) == 1 else (kind, tuple(unique))


def _not(item: Any) -> Any:
    return item[1] if item[0] == "not" else ("not", item)


def meant(q: Q | Condition) -> Any:
    """The condition the caller meant, in the normal form of :func:`received`."""
    if isinstance(q, Condition):
        field = q.path[0]
        if field == "hidden":
            return ("in", field, ((("true" if q.value else "false"), "BOOL"),))
        if q.lookup in ("exact", "ne", "in"):
            values = q.value if q.lookup == "in" else [q.value]
            leaf = ("in", field, tuple(sorted({(v, "TEXT") for v in values})))
            return _not(leaf) if q.lookup == "ne" else leaf
        return (_OPS[q.lookup], field, q.value)
    node = _group(q.connector.lower(), [meant(child) for child in q.children])
    return _not(node) if q.negated else node


def received(node: fake.Node) -> Any:
    """FakeHub's condition tree in a normal form: ``eq`` is a one-value ``in``, groups are flat and
    unordered, double negations cancel, and every compared value says what it was coerced to."""
    if isinstance(node, fake.Negation):
        return _not(received(node.item))
    if isinstance(node, fake.Group):
        return _group(node.kind, [received(item) for item in node.items])
    if node.op in ("eq", "in"):
        values = node.value if isinstance(node.value, tuple) else (node.value,)
        return ("in", node.field, tuple(sorted({(v.raw, _kind(v.raw)) for v in values})))
    assert isinstance(node.value, fake.Value)
    return (node.op, node.field, node.value.raw)


def _conditions(q: Q | Condition) -> Iterator[Condition]:
    if isinstance(q, Condition):
        yield q
    else:
        for child in q.children:
            yield from _conditions(child)


def refusal_is_documented(q: Q, error: Exception) -> bool:
    """Whether the compiler's refusal is one it documents for a value in the query."""
    conditions = list(_conditions(q))
    values = [
        v for c in conditions if c.path == ("name",) for v in (c.value if c.lookup == "in" else [c.value])
    ]
    if isinstance(error, NotSupportedError):
        coerced = any(v.strip().lower() in ("null", "true", "false") for v in values)
        return coerced or any(c.lookup == "in" and not c.value for c in conditions)
    if isinstance(error, QueryValueError):
        return any(c.lookup in _OPS and c.value == "" for c in conditions)
    return isinstance(error, EmptyResultSet) and any(c.lookup == "in" and not c.value for c in conditions)


@cache
def fakehub() -> FakeHub:
    return FakeHub(seed=1)


def decode_at_fakehub(params: list[tuple[str, str]]) -> fake.Node | None:
    """Send the parameters through httpx's URL encoding and FakeHub's own qs + filter parsers."""
    url = httpx.Request("GET", "http://hub.test/core/nodes", params=params).url
    raw_query = url.raw_path.decode("ascii").partition("?")[2]
    hub = fakehub()
    resource = hub.resource("core:nodes")
    assert resource is not None
    return QueryDecoder(resource, hub).decode(parse_qs(raw_query)).filter


@settings(QUICK, max_examples=300)
@given(trees)
def test_any_filter_reaches_the_hub_as_the_condition_meant(q: Q) -> None:
    try:
        params = compile_query(Node, Query(where=q))
    except (NotSupportedError, QueryValueError, EmptyResultSet) as error:
        assert refusal_is_documented(q, error), f"{type(error).__name__} for {q!r}: {error}"
        return
    tree = decode_at_fakehub(params)
    assert tree is not None, f"the filter was dropped: {params}"
    assert received(tree) == meant(q), params


@settings(max_examples=12, deadline=None)
@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.", min_size=3, max_size=24),
    st.sampled_from(["exact", "in", "contains"]),
)
def test_a_record_is_found_by_its_name_whatever_the_name(name: str, lookup: str) -> None:
    assume(name not in ("null", "true", "false"))
    hub = Hub(fakehub().base_url, PasswordAuth("admin", "start123"), transport=fakehub().transport())
    with hub:
        existing = hub.core.find_nodes(filter={"name": name})
        node = existing[0] if existing else hub.core.create_node(name)
        decoy = hub.core.create_node(f"{name}-decoy")  # a longer name containing this one
        try:
            value: Any = [name, "no-such-node"] if lookup == "in" else name
            found = list(hub.core.nodes.filter(**{f"name__{lookup}": value}))
            expected = {node.id, decoy.id} if lookup == "contains" else {node.id}
            assert {n.id for n in found} == expected
        finally:
            hub.core.delete_node(decoy)
            hub.core.delete_node(node)


# -- ids in URL paths ---------------------------------------------------------------------------------

ids = st.one_of(
    st.text(max_size=40),
    st.sampled_from([".", "..", "a/b", "../x", "a?b=1", "a#b", "%2e%2e", "@me", " ", "a b", "\\", "a\nb"]),
    st.uuids().map(str),
    st.from_regex(r"\A@?[A-Za-z0-9_][A-Za-z0-9._~-]{0,30}\Z"),
    st.integers(),
    st.none(),
    st.binary(max_size=8),
)


@cache
def url_maker() -> CoreClient:
    return CoreClient("http://hub.test/core/", "token")


@QUICK
@given(ids)
def test_an_id_is_exactly_one_path_segment_or_refused(value: object) -> None:
    try:
        url = url_maker().url(lit("nodes"), value)
    except InvalidIdError:
        return
    segment = path_segment(value)
    assert segment == str(value)
    assert url.path == f"/core/nodes/{segment}"
    assert url.raw_path.decode("ascii") == f"/core/nodes/{segment}"  # nothing needed escaping
    assert url.query == b"" and url.fragment == ""
    assert segment not in (".", "..") and "/" not in segment


# -- whatever the Hub answers -------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
NODE_KEYS = ["id", "name", "hidden", "type", "realmId", "registryId", "createdAt", "online", "clientId"]
node_like = st.dictionaries(st.sampled_from(NODE_KEYS), json_values | st.uuids().map(str), max_size=6)
bodies = st.one_of(
    json_values.map(json.dumps),
    st.fixed_dictionaries({"data": node_like | json_values}, optional={"meta": json_values}).map(json.dumps),
    st.fixed_dictionaries(
        {"data": st.lists(node_like, max_size=2)},
        optional={"meta": st.dictionaries(st.sampled_from(["total", "limit", "offset"]), json_values)},
    ).map(json.dumps),
    st.binary(max_size=20).map(lambda b: b.decode("latin-1")),
)
ERROR_STATUSES = [400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504, 418]
error_bodies = st.one_of(
    bodies,
    st.fixed_dictionaries(
        {},
        optional={
            "statusCode": json_values,
            "code": json_values,
            "message": json_values,
            "issues": json_values,
            "password": json_values,
        },
    ).map(json.dumps),
)

#: Calls through every parser of the engine, with the status their success answer has.
CALLS: dict[str, tuple[int, Callable[[CoreClient], Any]]] = {
    "find": (200, lambda core: core.find_nodes(filter={"name": "x"})),
    "get": (200, lambda core: core.get_node(str(uuid.UUID(int=1)))),
    "create": (201, lambda core: core.create_node("node-x")),
    "update": (202, lambda core: core.update_node(str(uuid.UUID(int=1)), hidden=True)),
    "credentials": (200, lambda core: core.get_node_client_credentials(str(uuid.UUID(int=1)))),
    "orm": (200, lambda core: list(core.nodes.filter(name__contains="x")[:3])),
}


def answering(status: int, body: str) -> CoreClient:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body.encode("utf-8", "surrogatepass"))

    return CoreClient("http://hub.test/core/", "token", transport=httpx.MockTransport(answer), retry=False)


# a generated listing may count more records (meta.total) than it holds: the warning that says so is
# tests/unit/test_listing.py's subject, not this test's
@pytest.mark.filterwarnings("ignore::flame_hub.IncompleteListingWarning")
@QUICK
@given(bodies, st.sampled_from(sorted(CALLS)))
def test_any_success_body_is_a_record_or_an_unexpected_response(body: str, call: str) -> None:
    status, send = CALLS[call]
    try:
        send(answering(status, body))
    except UnexpectedResponseError as error:
        assert "cannot read" in str(error) and "hub.test" in str(error)


@QUICK
@given(error_bodies, st.sampled_from(ERROR_STATUSES), st.sampled_from(sorted(CALLS)))
def test_any_error_body_is_a_hub_api_error(body: str, status: int, call: str) -> None:
    send = CALLS[call][1]
    if call in ("get", "credentials") and status == 404:
        assert send(answering(status, body)) is None  # a missing record is None, not an error
        return
    with pytest.raises(HubAPIError) as info:
        send(answering(status, body))
    assert info.value.status_code == status
    assert str(info.value) and repr(info.value)


@QUICK
@given(error_bodies | st.binary(max_size=30).map(lambda b: b.decode("latin-1")), st.integers(100, 599))
def test_error_parsing_never_raises_anything_but_a_hub_api_error(body: str, status: int) -> None:
    content = body.encode("utf-8", "surrogatepass")
    parsed = parse_error_body(status, content)
    assert parsed.status_code is not None
    response = httpx.Response(status, content=content, request=httpx.Request("GET", "http://hub.test/x"))
    with pytest.raises(HubAPIError) as info:
        raise_for_response(response)
    assert str(info.value) and info.value.status_code == status
