"""Deleting master images and groups: FakeHub only, because on a shared Hub it would damage the catalogue
every analysis depends on (the Hub re-creates it only with a sync from its image repository)."""

from __future__ import annotations

import pytest

from flame_hub import Hub
from flame_hub.testing import HubBackend


def test_master_images_and_groups_can_be_deleted(hub: Hub, backend: HubBackend) -> None:
    if backend.fakehub is None:
        pytest.skip("destructive on a shared Hub: it deletes master images every analysis depends on")
    image = hub.core.get_master_images()[0]
    hub.core.delete_master_image(image)
    assert hub.core.get_master_image(image.id) is None
    assert image.id not in {i.id for i in hub.core.get_master_images()}
    group = hub.core.get_master_image_groups()[0]
    hub.core.delete_master_image_group(group)
    assert hub.core.get_master_image_group(group.id) is None
