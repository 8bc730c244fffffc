"""Paging over records that tie on the sort key: each record exactly once, or a warning naming the fix.

The Hub pages with ``LIMIT``/``OFFSET`` and stamps ``createdAt`` in whole seconds, so records made
together share one. SQL leaves the order of ties open: a database may order them differently for every
page and return a row twice and another never (the sqlite Hub did not; Postgres and MySQL may).
``FakeHub(tie_order="shuffled")`` does it on purpose. Here 150 records sharing one ``createdAt`` are read
at page sizes 50 and 7, page by page and with pages in flight concurrently, synchronously and with the
async client.
"""

from __future__ import annotations

import asyncio
import uuid
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from flame_hub import AsyncHub, Hub, IncompleteListingWarning
from flame_hub.auth import PasswordAuth
from flame_hub.models import Node
from flame_hub.models.storage import Bucket
from flame_hub.testing import FakeHub, HubBackend

COUNT = 150
READS = [(50, 1), (50, 4), (7, 1), (7, 4)]  # (page size, pages in flight)


def read(queryset: Any, chunk: int, concurrency: int, mode: str, async_hub: Any = None) -> list[Any]:
    """Every record of the queryset, through iterator() or aiterator()."""
    if mode == "sync":
        return list(queryset.iterator(chunk_size=chunk, concurrency=concurrency))

    async def collect() -> list[Any]:
        async with async_hub() as hub:
            stream = queryset.using(hub).aiterator(chunk_size=chunk, concurrency=concurrency)
            return [record async for record in stream]

    return asyncio.run(collect())


def each_once(queryset: Any, names: list[str], mode: str, async_hub: Any) -> None:
    """At every page size and width of READS the queryset yields ``names``, each once, with no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", IncompleteListingWarning)
        for chunk, concurrency in READS:
            found = read(queryset, chunk, concurrency, mode, async_hub)
            assert sorted(r.name for r in found) == names, (chunk, concurrency)


def tied_nodes(tie_order: str) -> FakeHub:
    """A FakeHub whose clock stands still (seeded), holding 150 nodes with one createdAt."""
    fake = FakeHub(seed=12, tie_order=tie_order)
    fake.bulk_create(
        "core:nodes", [{"name": f"tie-{i:03d}", "realmId": fake.master_realm_id} for i in range(COUNT)]
    )
    return fake


def hubs(fake: FakeHub) -> tuple[Hub, Any]:
    auth = PasswordAuth(fake.admin_username, fake.admin_password)
    return Hub(fake.base_url, auth, transport=fake.transport()), lambda: AsyncHub(
        fake.base_url, auth, transport=fake.async_transport()
    )


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("tie_order", ["stable", "shuffled"])
def test_nodes_sharing_one_created_at_come_once_each(tie_order: str, mode: str) -> None:
    fake = tied_nodes(tie_order)
    hub, async_hub = hubs(fake)
    assert len({row["createdAt"] for row in fake.table("core:nodes").rows()}) == 1
    nodes = Node.objects.using(hub).all()  # the default ordering: created_at, then name
    each_once(nodes, [f"tie-{i:03d}" for i in range(COUNT)], mode, async_hub)
    assert len(list(nodes.all())) == COUNT  # the cached evaluation, pages in flight


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_sort_key_all_records_share_never_yields_one_twice_and_warns_of_what_it_missed(mode: str) -> None:
    fake = tied_nodes("shuffled")  # every page orders the 150 ties anew
    hub, async_hub = hubs(fake)
    tied = Node.objects.using(hub).order_by("created_at")
    for chunk, concurrency in READS:
        with pytest.warns(IncompleteListingWarning) as caught:
            found = read(tied, chunk, concurrency, mode, async_hub)
        ids = [n.id for n in found]
        assert len(ids) == len(set(ids)), "a record came twice"
        assert len(ids) < COUNT  # the shuffled ties made pages overlap, so some rows were skipped
        message = str(caught[0].message)
        assert f"read {len(ids)} distinct records where meta.total promised {COUNT}" in message
        assert "Node has no unique sort key on the Hub" in message


# -- on the backend under test (a real Hub too): 150 storage buckets, made together -----------------------


@pytest.fixture(scope="module")
def buckets(module_backend: HubBackend) -> Iterator[tuple[Hub, str]]:
    """150 buckets named ``<prefix>-000`` …; created back to back, so their whole-second stamps tie."""
    with Hub(module_backend.base_url, module_backend.admin_auth, transport=module_backend.transport) as hub:
        prefix = f"tie-{uuid.uuid4().hex[:8]}"
        made = [hub.storage.create_bucket(f"{prefix}-{i:03d}") for i in range(COUNT)]
        yield hub, prefix
        for bucket in made:
            hub.storage.delete_bucket(bucket)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_buckets_made_together_come_once_each(
    buckets: tuple[Hub, str], module_backend: HubBackend, mode: str
) -> None:
    hub, prefix = buckets

    def async_hub() -> AsyncHub:
        return AsyncHub(
            module_backend.base_url, module_backend.admin_auth, transport=module_backend.async_transport
        )

    ours = Bucket.objects.using(hub).filter(name__startswith=prefix)  # default: created_at, then id
    each_once(ours, [f"{prefix}-{i:03d}" for i in range(COUNT)], mode, async_hub)
