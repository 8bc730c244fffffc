"""``Listing``: a paged read yields no record twice and reports what it could not show it saw."""

from __future__ import annotations

import uuid
import warnings
from datetime import datetime, timezone
from typing import Any

import pytest

from flame_hub.models import Node, Project, Realm
from flame_hub.orm.listing import FALLBACK_WINDOW, IncompleteListingWarning, Listing
from flame_hub.query.query import Query

STAMP = datetime(2026, 1, 1, tzinfo=timezone.utc)


def node(name: str, ident: uuid.UUID | None = None, **fields: Any) -> Node:
    return Node.model_validate({"id": ident or uuid.uuid4(), "name": name, "created_at": STAMP, **fields})


def admitted(listing: Listing, records: list[Any]) -> list[Any]:
    return [r for r in records if listing.admit(r)]


def test_a_repeat_within_a_tie_group_is_dropped() -> None:
    a, b = node("a"), node("b")
    listing = Listing(Node, Query(ordering=("created_at",)))  # they tie on created_at
    # the database returned b on the first page and again on the second (a tie reordered)
    assert admitted(listing, [a, b, b, a]) == [a, b]
    assert (listing.admitted, listing.repeats) == (2, 2)


@pytest.mark.parametrize("ordering", [("created_at",), ("registry__name", "created_at")])
def test_a_page_at_a_time_drops_the_repeats_a_record_at_a_time_drops(ordering: tuple[str, ...]) -> None:
    # the page form (what a paged read uses; own fields read the quick way, relation paths the general
    # way) and the record form agree, also for a repeat across the boundary of two pages
    a, b, c, d = node("a"), node("b"), node("c"), node("d")
    pages = [[a, b], [b, c], [c, a, d]]
    by_page = Listing(Node, Query(ordering=ordering))
    by_record = Listing(Node, Query(ordering=ordering))
    assert [by_page.admit_page(page) for page in pages] == [[a, b], [c], [d]]
    assert [admitted(by_record, page) for page in pages] == [[a, b], [c], [d]]
    assert (by_page.admitted, by_page.repeats) == (by_record.admitted, by_record.repeats) == (4, 3)


def test_a_new_sort_key_value_starts_a_new_group_and_forgets_the_old_one() -> None:
    listing = Listing(Node, Query(ordering=("created_at", "name")))
    for i in range(10_000):
        assert listing.admit(node(f"n{i:05d}"))
    assert len(listing._recent) == 1  # memory: one id, not ten thousand


def test_a_tie_group_longer_than_the_window_is_remembered_by_its_latest_ids() -> None:
    listing = Listing(Node, Query(ordering=("created_at",)))  # every record ties
    records = [node(f"n{i:05d}") for i in range(FALLBACK_WINDOW + 5)]
    assert all(listing.admit(r) for r in records)
    assert len(listing._recent) == len(listing._recent_ids) == FALLBACK_WINDOW  # bounded
    assert not listing.admit(records[-1])  # a recent repeat is caught
    assert listing.admit(records[0])  # one further back than the window is not


def test_keys_are_compared_as_a_collation_may_equate_them() -> None:
    ident = uuid.uuid4()
    listing = Listing(Node, Query(ordering=("name",)))
    # a case- and accent-insensitive collation may interleave these: one tie group for the database
    records = [node("Zoe", ident), node("zoe", uuid.uuid4()), node("zoé ", ident)]
    assert admitted(listing, records) == records[:2]


def test_records_without_their_sort_key_fall_back_to_a_window_of_recent_ids() -> None:
    listing = Listing(Node, Query(ordering=("created_at",)))
    first = Node.model_validate({"id": uuid.uuid4(), "name": "only-name"})  # created_at not loaded
    assert listing.admit(first) and not listing.admit(first)
    for _ in range(FALLBACK_WINDOW):
        listing.admit(Node.model_validate({"id": uuid.uuid4(), "name": "x"}))
    assert len(listing._recent) == FALLBACK_WINDOW  # bounded
    assert listing.admit(first)  # forgotten: a repeat further apart than the window gets through


def test_a_complete_listing_does_not_warn() -> None:
    listing = Listing(Node, Query(ordering=("created_at", "name")))
    listing.saw_total(2)
    admitted(listing, [node("a"), node("b")])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        listing.finish()


def test_a_short_listing_warns_and_names_the_fix() -> None:
    listing = Listing(Project, Query(ordering=("created_at",)))
    listing.saw_total(3)
    project = Project.model_validate({"id": uuid.uuid4(), "name": "p", "created_at": STAMP})
    admitted(listing, [project, project])
    with pytest.warns(IncompleteListingWarning) as caught:
        listing.finish()
    message = str(caught[0].message)
    assert "read 1 distinct records where meta.total promised 3" in message
    assert "1 repeated records dropped" in message
    assert ".order_by('created_at', 'id')" in message  # projects have a unique sortable id


def test_the_fix_for_a_resource_without_a_unique_sort_key() -> None:
    listing = Listing(Node, Query(ordering=("created_at",)))
    listing.saw_total(2)
    a = node("a")
    admitted(listing, [a, a])  # the second page repeated a tied record in place of the one it missed
    with pytest.warns(IncompleteListingWarning, match="Node has no unique sort key on the Hub"):
        listing.finish()


def test_the_fix_at_authup_is_the_id_alone() -> None:
    listing = Listing(Realm, Query(ordering=("name",)))
    listing.saw_total(2)
    realm = Realm.model_validate({"id": uuid.uuid4(), "name": "master"})
    admitted(listing, [realm, realm])
    with pytest.warns(IncompleteListingWarning, match=r"\.order_by\('id'\)"):
        listing.finish()


def test_pages_short_of_the_total_without_a_repeat_are_not_blamed_on_ties() -> None:
    """Ties lose a record only by showing another twice; pages that simply hold fewer records than
    meta.total counted (records deleted meanwhile) say so instead of advising another ordering."""
    listing = Listing(Node, Query(ordering=("created_at", "name")))
    listing.saw_total(3)
    admitted(listing, [node("a")])
    with pytest.warns(IncompleteListingWarning) as caught:
        listing.finish()
    message = str(caught[0].message)
    assert "read 1 distinct records where meta.total promised 3" in message
    assert "pages held fewer records than meta.total counted" in message
    assert "tie" not in message and "fix:" not in message


def test_more_records_than_the_total_say_the_collection_changed() -> None:
    listing = Listing(Node, Query(ordering=("created_at", "name")))
    listing.saw_total(1)
    admitted(listing, [node("a"), node("b")])
    with pytest.warns(IncompleteListingWarning, match="created or deleted while it was read"):
        listing.finish()


def test_a_total_that_moves_between_pages_says_the_collection_changed() -> None:
    listing = Listing(Node, Query(ordering=("created_at", "name")))
    listing.saw_total(3)
    admitted(listing, [node("a"), node("b")])
    listing.saw_total(2)
    with pytest.warns(
        IncompleteListingWarning, match=r"changed while it was read \(meta.total went 3 -> 2\)"
    ):
        listing.finish()


def test_a_slice_is_checked_against_its_share_of_the_total() -> None:
    listing = Listing(Node, Query(ordering=("created_at", "name"), low=5, high=7))
    listing.saw_total(100)
    admitted(listing, [node("a"), node("b")])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        listing.finish()


def test_without_a_total_nothing_can_be_checked() -> None:
    listing = Listing(Node, Query(ordering=("created_at",)))
    listing.saw_total(None)
    listing.admit(node("a"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        listing.finish()
