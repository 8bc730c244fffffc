"""CoreClient registries, registry projects, registry commands, master images and master-image groups."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from flame_hub import Hub
from flame_hub.exceptions import FieldError
from flame_hub.models.core import MasterImage, Registry
from flame_hub.types import FilterOperator

from ..deployment import Deployment
from .support import Records, ids


def test_registry_lifecycle(hub: Hub, records: Records) -> None:
    name = records.name("registry")
    registry = records.registry(
        name=name,
        host=f"https://{name}.example.org",
        account_name="robot-account",
        account_secret="registry-secret-1",
    )
    other = records.registry()
    assert registry.name == name and registry.account_name == "robot-account"
    assert registry.host == f"{name}.example.org"  # a URL is reduced to its host name
    # a write answer echoes the secret (observed); a repr never shows it
    assert registry.account_secret == "registry-secret-1" and "registry-secret-1" not in repr(registry)

    plain = hub.core.get_registry(registry.id)
    assert plain is not None and plain.id == registry.id and plain.account_secret is None  # not read back
    with_secret = hub.core.get_registry(registry.id, fields=["+account_secret"])
    assert with_secret is not None and with_secret.account_secret == "registry-secret-1"
    assert with_secret.host == registry.host  # added to the default columns, not replacing them
    assert hub.core.get_registry(uuid.uuid4()) is None

    names = [registry.name, other.name]
    assert ids(hub.core.find_registries(filter={"name": registry.name})) == [registry.id]
    assert hub.core.find_registries(filter={"name": registry.name, "id": other.id}) == []
    by_id = sorted([registry, other], key=lambda r: str(r.id), reverse=True)
    assert ids(
        hub.core.find_registries(filter={"name": names}, sort={"by": "id", "order": "descending"})
    ) == ids(by_id)
    assert ids(
        hub.core.find_registries(filter={"name": names}, sort="id", page={"limit": 1, "offset": 1})
    ) == ids(by_id[:1])
    page, meta = hub.core.get_registries(meta=True)
    assert len(page) <= 50 and meta.total >= 2

    updated = hub.core.update_registry(registry, account_name="other-account")
    assert (updated.account_name, updated.host, updated.name) == ("other-account", registry.host, name)
    cleared = hub.core.update_registry(registry.id, account_name=None)
    assert cleared.account_name is None and cleared.host == registry.host

    # setup records the registry's three Harbor projects (no Harbor needed for that)
    assert hub.core.send_registry_command(registry, "setup") is None
    projects = hub.core.find_registry_projects(filter={"registry_id": registry.id})
    assert sorted((p.name, p.type) for p in projects) == [
        ("incoming", "incoming"),
        ("master", "masterImages"),
        ("outgoing", "outgoing"),
    ]
    assert hub.core.send_registry_command(registry.id, "setup") is None  # again: nothing new
    assert len(hub.core.find_registry_projects(filter={"registry_id": registry.id})) == 3

    hub.core.delete_registry(registry)
    assert hub.core.get_registry(registry.id) is None
    assert ids(hub.core.find_registries(filter={"name": names})) == [other.id]


def test_registry_cleanup_command(hub: Hub, records: Records, deployment: Deployment) -> None:
    deployment.require("harbor")  # cleanup lists the registry's Harbor projects
    registry = records.registry()
    assert hub.core.send_registry_command(registry.id, "cleanup") is None


def test_registry_project_lifecycle(hub: Hub, records: Records, cleanup: Callable[..., None]) -> None:
    registry = records.registry()
    other_registry = records.registry()
    external = records.name("incoming").replace("-", "_")
    project = hub.core.create_registry_project(records.name("rproject"), "incoming", registry, external)
    other = hub.core.create_registry_project(
        records.name("rproject"), "outgoing", other_registry.id, records.name("out")
    )
    for created in (project, other):
        cleanup(lambda created=created: hub.core.delete_registry_project(created))
    assert (project.registry_id, project.type, project.external_name) == (registry.id, "incoming", external)

    assert hub.core.get_registry_project(project.id).id == project.id
    assert hub.core.get_registry_project(uuid.uuid4()) is None
    assert ids(hub.core.find_registry_projects(filter={"registry_id": registry.id})) == [project.id]
    assert hub.core.find_registry_projects(filter={"registry_id": registry.id, "type": "outgoing"}) == []
    # a dotted relation filter, with the relation included
    by_registry_name = hub.core.find_registry_projects(
        filter={"registry.name": other_registry.name}, include="registry"
    )
    assert ids(by_registry_name) == [other.id]
    assert (
        isinstance(by_registry_name[0].registry, Registry)
        and by_registry_name[0].registry.id == other_registry.id
    )
    with_registry = hub.core.get_registry_project(project.id, include="registry")
    assert with_registry is not None and with_registry.registry is not None
    assert with_registry.registry.name == registry.name

    renamed = hub.core.update_registry_project(project, name=records.name("renamed"))
    assert renamed.name != project.name and (renamed.external_name, renamed.type) == (external, "incoming")
    with pytest.raises(FieldError):  # the Harbor account is the Hub's to fill
        hub.core.update_registry_project(project, account_secret="not-mine")

    hub.core.delete_registry_project(project)
    assert hub.core.get_registry_project(project.id) is None

    # deleting a registry takes its projects with it
    hub.core.delete_registry(other_registry)
    assert hub.core.get_registry_project(other.id) is None


def test_master_images_and_groups(hub: Hub) -> None:
    images = hub.core.get_master_images()
    assert images and all(isinstance(i, MasterImage) for i in images)
    assert [i.path for i in images] == sorted(i.path or "" for i in images)  # the Hub's default order: path
    image = images[0]
    assert hub.core.get_master_image(image.id) == image
    assert hub.core.get_master_image(uuid.uuid4()) is None
    assert ids(hub.core.find_master_images(filter={"virtual_path": image.virtual_path})) == [image.id]
    others = hub.core.find_master_images(filter={"virtual_path": (FilterOperator.neq, image.virtual_path)})
    assert image.id not in ids(others) and len(others) == len(images) - 1
    assert ids(hub.core.find_master_images(sort={"by": "path", "order": "descending"})) == ids(images[::-1])

    groups = hub.core.get_master_image_groups()
    assert groups
    group = hub.core.find_master_image_groups(filter={"virtual_path": image.group_virtual_path})
    assert len(group) == 1 and hub.core.get_master_image_group(group[0].id) == group[0]
    assert hub.core.get_master_image_group(uuid.uuid4()) is None
    with pytest.raises(FieldError):  # the Hub declares no sort key for groups
        hub.core.find_master_image_groups(sort={"by": "name"})

    assert hub.core.sync_master_images() is None
    built = hub.core.build_master_image(image)
    assert built is not None and built.id == image.id and built.build_status == "starting"
