"""The same scenarios in both worlds: every test runs with the sync clients and with the async twins.

A scenario is written once as a coroutine and run by :class:`~tests.integration.twins.Mode`.
"""

from __future__ import annotations

import asyncio
import io
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

import flame_hub
from flame_hub import AsyncHub, Hub
from flame_hub.models import Node, Permission, Realm
from flame_hub.testing import HubBackend

from .twins import MODES, Mode


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest, backend: HubBackend) -> Mode:
    return Mode(request.param, backend)


def test_node_lifecycle_through_the_service_client(mode: Mode, unique: Callable[[str], str]) -> None:
    async def scenario() -> None:
        core, auth = mode.hub.core, mode.hub.auth
        realm = (await mode.call(auth, "find_realms", filter={"name": "master"}))[0]
        node = await mode.call(core, "create_node", unique("twin-node"), realm_id=realm)
        try:
            updated = await mode.call(core, "update_node", node, hidden=True, external_name="twin_ext")
            assert updated.hidden is True and updated.external_name == "twin_ext"
            cleared = await mode.call(core, "update_node", node, external_name=None)
            assert cleared.external_name is None and cleared.hidden is True
            fetched = await mode.call(core, "get_node", node.id)
            assert fetched.id == node.id and fetched.hidden is True
            found = await mode.call(core, "find_nodes", filter={"name": node.name, "hidden": True})
            assert [n.id for n in found] == [node.id]
            assert await mode.call(core, "find_nodes", filter={"name": node.name, "hidden": False}) == []
        finally:
            await mode.call(core, "delete_node", node)
        assert await mode.call(core, "get_node", node.id) is None

    mode.run(scenario)


def test_orm_reads_through_every_evaluation(mode: Mode) -> None:
    async def scenario() -> None:
        permissions = Permission.objects.using(mode.hub)
        total = await mode.call(permissions, "count")
        assert total > 50, "built-in permissions span more than one page"
        every = await mode.collect(permissions.order_by("name"))
        assert len(every) == total
        assert [p.name for p in every] == sorted(p.name for p in every)
        streamed = await mode.collect(
            permissions.order_by("name").aiterator(chunk_size=7)
            if mode.is_async
            else permissions.order_by("name").iterator(chunk_size=7)
        )
        assert [p.id for p in streamed] == [p.id for p in every]
        creates = permissions.filter(name__endswith="_create")
        assert await mode.call(creates, "exists")
        assert not await mode.call(permissions.filter(name="no-such-permission-here"), "exists")
        first = await mode.call(permissions.order_by("name"), "first")
        last = await mode.call(permissions.order_by("name"), "last")
        assert (first.name, last.name) == (every[0].name, every[-1].name)
        got = await mode.call(permissions, "get", name="realm_create")
        assert got.name == "realm_create"
        assert (await mode.call(permissions, "get", id=got.id)) == got
        with pytest.raises(Permission.DoesNotExist):
            await mode.call(permissions, "get", name="no-such-permission-here")
        with pytest.raises(Permission.MultipleObjectsReturned):
            await mode.call(creates, "get")
        ids = [p.id for p in every[:3]]
        assert set(await mode.call(permissions, "in_bulk", ids)) == set(ids)

    mode.run(scenario)


def test_orm_writes_and_record_methods(mode: Mode, unique: Callable[[str], str]) -> None:
    async def scenario() -> None:
        realms = Realm.objects.using(mode.hub)
        name = unique("twin-realm")
        realm, created = await mode.call(realms, "get_or_create", name=name)
        assert created and realm.id is not None
        again, created_again = await mode.call(realms, "get_or_create", name=name)
        assert not created_again and again == realm
        try:
            realm.description = "written by save"
            await mode.call(realm, "save")
            other = await mode.call(realms, "get", id=realm.id)
            assert other.description == "written by save"
            other.description = "changed elsewhere"
            await mode.call(other, "save")
            await mode.call(realm, "refresh_from_db")
            assert realm.description == "changed elsewhere"
            updated, was_created = await mode.call(
                realms, "update_or_create", {"display_name": "Twin"}, name=name
            )
            assert not was_created and updated.display_name == "Twin"
        finally:
            await mode.call(realm, "delete")
        assert realm.id is None
        assert not await mode.call(realms.filter(name=name), "exists")

    mode.run(scenario)


def test_storage_round_trip(mode: Mode, unique: Callable[[str], str], tmp_path: Path) -> None:
    async def scenario() -> None:
        storage = mode.hub.storage
        bucket = await mode.call(storage, "create_bucket", unique("twin-bucket"))
        try:
            payload = b"0123456789" * 10_000
            files = await mode.call(storage, "upload_to_bucket", bucket, ("data/numbers.bin", payload))
            assert [f.path for f in files] == ["data/numbers.bin"]
            stream = storage.stream_bucket_file(files[0].id, chunk_size=4096)
            assert b"".join(await mode.collect(stream)) == payload
            target = await mode.call(
                storage, "download_bucket_file", files[0].id, tmp_path / mode.name / "n.bin"
            )
            assert target.read_bytes() == payload
            tarball = b"".join(await mode.collect(storage.stream_bucket_tarball(bucket)))
            with tarfile.open(fileobj=io.BytesIO(tarball)) as archive:
                assert archive.getnames() == ["data/numbers.bin"]
            await mode.call(storage, "delete_bucket_file", files[0])
        finally:
            await mode.call(storage, "delete_bucket", bucket)

    mode.run(scenario)


def test_hub_managers_are_bound_to_their_client(mode: Mode) -> None:
    async def scenario() -> None:
        manager = mode.hub.auth.realms
        assert (await mode.call(manager, "get", name="master")).name == "master"
        assert await mode.call(manager.filter(name="master"), "count") == 1

    mode.run(scenario)


def test_a_sync_method_on_an_async_client_names_its_twin(backend: HubBackend) -> None:
    hub = AsyncHub(backend.base_url, "no-request-is-sent", transport=backend.async_transport)
    with pytest.raises(TypeError, match=r"acount\(\)"):
        Node.objects.using(hub).count()
    with pytest.raises(TypeError, match="async for"):
        list(Node.objects.using(hub))
    assert "async" in repr(Node.objects.using(hub).all())


def test_an_async_method_on_a_sync_client_names_its_twin(backend: HubBackend) -> None:
    hub = Hub(
        backend.base_url,
        backend.admin_auth,
        transport=backend.transport,
    )

    async def scenario() -> None:
        with pytest.raises(TypeError, match=r"count\(\) instead"):
            await Node.objects.using(hub).acount()

    asyncio.run(scenario())


def test_sync_calls_work_inside_a_running_event_loop(backend: HubBackend) -> None:
    """A notebook cell runs inside an event loop; the sync client still works there."""
    hub = Hub(
        backend.base_url,
        backend.admin_auth,
        transport=backend.transport,
    )

    async def cell() -> int:
        flame_hub.configure(hub)
        try:
            return Realm.objects.filter(name="master").count()
        finally:
            flame_hub.engine.resolver.reset()

    assert asyncio.run(cell()) == 1


def test_every_async_reader_answers_what_its_sync_twin_answers(backend: HubBackend) -> None:
    """Each ``get_<plural>`` and ``find_<plural>`` of the three async clients against its sync twin."""
    import inspect

    from flame_hub.clients.operations import Find

    auth = backend.admin_auth
    sync_hub = Hub(backend.base_url, auth, transport=backend.transport)
    readers = {
        service: sorted(
            name
            for cls in inspect.getmro(type(getattr(sync_hub, service)))
            for name, attr in vars(cls).items()
            if isinstance(attr, Find) and "logs" not in name  # log lists need id filters
        )
        for service in ("auth", "core", "storage")
    }
    expected = {
        (service, name): [r.id for r in getattr(getattr(sync_hub, service), name)(page={"limit": 5})]
        for service, names in readers.items()
        for name in names
    }

    async def main() -> dict[tuple[str, str], list[object]]:
        async with AsyncHub(backend.base_url, auth, transport=backend.async_transport) as hub:
            return {
                (service, name): [r.id for r in await getattr(getattr(hub, service), name)(page={"limit": 5})]
                for service, names in readers.items()
                for name in names
            }

    assert len(expected) > 40
    assert asyncio.run(main()) == expected
