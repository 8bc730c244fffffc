"""The query-string parser behaves like ``qs.parse`` (core-and-storage.md §1.3)."""

from __future__ import annotations

from flame_hub.testing.fakehub.qs import parse_qs


def test_brackets_nest() -> None:
    assert parse_qs("page[limit]=5&page[offset]=10") == {"page": {"limit": "5", "offset": "10"}}


def test_plus_decodes_to_space_and_percent_escapes_decode() -> None:
    assert parse_qs("fields=+email") == {"fields": " email"}
    assert parse_qs("fields=%2Bemail") == {"fields": "+email"}


def test_repeated_keys_become_lists() -> None:
    assert parse_qs("include=a&include=b") == {"include": ["a", "b"]}
    assert parse_qs("x[]=1&x[]=2") == {"x": ["1", "2"]}


def test_dots_inside_brackets_stay_in_the_key() -> None:
    assert parse_qs("filter[realm.name]=master") == {"filter": {"realm.name": "master"}}


def test_prototype_keys_are_kept_for_the_engine_to_refuse() -> None:
    assert parse_qs("filter[__proto__]=x") == {"filter": {"__proto__": "x"}}


def test_key_without_value_and_empty_parts() -> None:
    assert parse_qs("a&&b=") == {"a": "", "b": ""}
