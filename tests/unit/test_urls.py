"""A request's URL is built once, query included, and is exactly the URL httpx builds from the same params.

The engine hands httpx one ``httpx.URL`` holding the encoded query (:func:`encode_query`) instead of the
URL plus ``params=``, which httpx would parse twice (issue 13). These tests hold that shortcut to
httpx's own result for every lookup, both filter dialects, sorting, fields, includes, paging and
awkward values, and for arbitrary text.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import flame_hub.engine.http
from flame_hub import CoreClient
from flame_hub.engine.calls import list_calls
from flame_hub.engine.http import Address, encode_query
from flame_hub.exceptions import QueryValueError
from flame_hub.models import Node, Project, User
from flame_hub.query.compiler import EmptyResultSet
from flame_hub.query.lookups import LOOKUPS
from flame_hub.query.query import Q, Query

AWKWARD = [
    "plain",
    "two words",
    "a+b",
    "a&b=c",
    "100%",
    "%41",
    "~tilde",
    "ünïcödé",
    "日本語",
    "emoji 🦊",
    "[brackets]",
    "a,b",
    "a/b?c#d",
    'quote\'s "double"',
    "back\\slash",
    "semi;colon:at@",
    "!bang",
    "<less",
    "trailing~",
    " padded ",
    "tab\there",
]

BASES = [
    "http://127.0.0.1:3000/core/",
    "https://hub.example/core/",
    "https://hüb.example:8443/sub path/core/",
]


@pytest.fixture(scope="module", params=BASES)
def core(request: pytest.FixtureRequest) -> Iterator[CoreClient]:
    with CoreClient(
        request.param, "token", transport=httpx.MockTransport(lambda r: httpx.Response(200))
    ) as c:
        yield c


PLAIN = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200)))


def _httpx_url(core: CoreClient, url: object, params: Any) -> httpx.URL:
    """What httpx makes of the same request: the URL parsed, then merged with ``params=``."""
    return PLAIN.build_request("GET", httpx.URL(str(url)), params=params).url


def _ours(core: CoreClient, url: object, params: Any) -> httpx.URL:
    return core._build("GET", url, {"params": params}).url  # type: ignore[arg-type]


def _assert_same(core: CoreClient, query: Query, model: type[Any] = Node) -> None:
    try:
        calls = list_calls(core, model, query, [(50, 0), (7, 1234), (None, None)])
    except EmptyResultSet:
        return
    for call in calls:
        assert isinstance(call.url, Address)
        ours = _ours(core, call.url, call.params)
        expected = _httpx_url(core, call.url, call.params)
        assert str(ours) == str(expected)
        assert ours.raw_path == expected.raw_path
        assert ours.params == expected.params


def _values(lookup: str) -> list[Any]:
    if lookup == "isnull":
        return [True, False]
    if lookup == "in":
        return [AWKWARD, AWKWARD[:1], [AWKWARD[3], AWKWARD[11]]]
    return AWKWARD


@pytest.mark.parametrize("lookup", sorted(LOOKUPS))
def test_every_lookup_with_awkward_values_gives_httpx_s_url(core: CoreClient, lookup: str) -> None:
    checked = 0
    for value in _values(lookup):
        for where in (Q(**{f"name__{lookup}": value}), Q(**{f"name__{lookup}": value}) | Q(hidden=True)):
            try:
                _assert_same(core, Query(where=where, ordering=("-name", "created_at")))
            except QueryValueError:
                continue  # a value the lookup refuses (e.g. a comparison of text with a word both dialects coerce)
            checked += 1
    assert checked > 0


def test_ids_sorting_fields_and_includes_give_httpx_s_url(core: CoreClient) -> None:
    ids = [uuid.UUID(int=n) for n in range(1, 40)]
    for where in (
        ~Q(hidden=True) & Q(name__gt="m n"),
        Q(id__in=ids),
        Q(realm_id=ids[0], name__startswith="a b"),
    ):
        _assert_same(core, Query(where=where, ordering=("name",), includes=("registry",)))
    _assert_same(core, Query(where=Q(name__icontains="x y")), model=Project)
    _assert_same(core, Query(where=Q(name__iexact="Ä b")), model=User)


def test_requests_with_their_own_params_give_httpx_s_url(core: CoreClient) -> None:
    pairs: list[Any] = [("filter[name]", "a b"), ("page[limit]", "3"), ("filter[name]", "c&d")]
    for params in (pairs, dict(pairs), [("x", 1), ("y", True), ("z", None)], None, []):
        address = core._address("analysis-logs")
        assert str(_ours(core, address, params)) == str(_httpx_url(core, address, params))
        assert str(_ours(core, "analysis-logs", params)) == str(_httpx_url(core, address, params))


@pytest.mark.parametrize(
    "path",
    ["nodes", "/nodes/", "a b", "../x", "./y", "x/./y", "x/../y", "%41", "ünï", "@me", "a?b", "a#b", ""],
)
def test_relative_paths_of_request_give_httpx_s_url(core: CoreClient, path: str) -> None:
    expected = _httpx_url(core, core.base_url + path.strip("/"), [("q", "a b")])
    assert str(_ours(core, path, [("q", "a b")])) == str(expected)
    assert str(_ours(core, path, None)) == str(_httpx_url(core, core.base_url + path.strip("/"), None))


def test_the_installed_httpx_lets_urls_be_built_without_parsing() -> None:
    # the shortcut checks itself against httpx's parser at import; were it off, every URL would be parsed
    assert flame_hub.engine.http._REUSABLE


def test_a_given_httpx_url_is_left_to_httpx(core: CoreClient) -> None:
    url = httpx.URL(core.base_url + "nodes?already=there")
    params = [("filter[name]", "x")]
    assert str(_ours(core, url, params)) == str(_httpx_url(core, url, params))


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(text, text), max_size=6))
def test_any_text_pairs_encode_as_httpx_encodes_them(pairs: list[tuple[str, str]]) -> None:
    assert encode_query(pairs) == str(httpx.QueryParams(pairs))
    base = "https://hub.example/core/nodes"
    expected = PLAIN.build_request("GET", base, params=pairs).url
    query = encode_query(pairs)
    assert str(httpx.URL(f"{base}?{query}" if query else base)) == str(expected)


def test_values_that_are_not_text_are_left_to_httpx() -> None:
    assert encode_query([("a", 1)]) is None
    assert encode_query([("a", None)]) is None
    assert encode_query([(1, "a")]) is None
    assert encode_query([("a", "1"), ("b", "2"), ("a", "3")]) == "a=1&a=3&b=2"  # grouped, as httpx does
