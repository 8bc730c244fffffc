"""Every ``get_<plural>`` of the three clients answers the first page of its resource as models.

The methods are found on the client classes (every ``GetAll`` declaration), so a resource added
later is covered without touching this test.
"""

from __future__ import annotations

import inspect

import pytest

from flame_hub import Hub
from flame_hub.clients.auth import AuthClient
from flame_hub.clients.core import CoreClient
from flame_hub.clients.operations import GetAll
from flame_hub.clients.storage import StorageClient
from flame_hub.models import Resource

CLIENTS = {"auth": AuthClient, "core": CoreClient, "storage": StorageClient}


def plural_getters(client: type) -> dict[str, type[Resource]]:
    """``get_<plural>`` name → resource, for every such declaration on the class or its bases."""
    found: dict[str, type[Resource]] = {}
    for cls in reversed(inspect.getmro(client)):
        for name, attr in vars(cls).items():
            if type(attr) is GetAll:
                found[name] = attr.model
    return found


def test_every_client_declares_plural_getters() -> None:
    assert set(plural_getters(AuthClient)) >= {"get_realms", "get_users", "get_clients", "get_client_scopes"}
    assert set(plural_getters(CoreClient)) >= {"get_nodes", "get_analyses", "get_master_image_groups"}
    assert set(plural_getters(StorageClient)) == {"get_buckets", "get_bucket_files"}


@pytest.mark.parametrize("service", sorted(CLIENTS))
def test_plural_getters_answer_the_first_page(hub: Hub, service: str) -> None:
    client = getattr(hub, service)
    for name, model in plural_getters(CLIENTS[service]).items():
        items, meta = getattr(client, name)(meta=True)
        assert (meta.limit, meta.offset) == (50, 0), name
        assert len(items) == min(meta.total, 50), name
        assert all(type(item) is model for item in items), name
        assert len(getattr(client, name)(page={"limit": 1})) == min(meta.total, 1), name
