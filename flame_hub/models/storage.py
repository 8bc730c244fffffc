"""The storage service's resources (Hub v0.14.0, core-and-storage.md §4).

Files are not created through ``bucket-files`` (there is no such route): they come from
``POST buckets/:id/upload``. Neither resource has an update route that changes anything.
"""

from __future__ import annotations

from typing import Annotated, ClassVar
from uuid import UUID

from flame_hub.models.auth import Realm
from flame_hub.models.base import Entity
from flame_hub.orm.graph import Related
from flame_hub.orm.relations import Reverse
from flame_hub.schema.fields import CREATE_ONLY, INCLUDE, READ_ONLY, REQUIRED_CREATE_ONLY
from flame_hub.schema.record import Operation, ResourceMeta
from flame_hub.types import ActorType

__all__ = ["Bucket", "BucketFile"]


class Bucket(Entity):
    """An object-store bucket holding files (an analysis has three: code, results, temporary files)."""

    meta: ClassVar[ResourceMeta] = ResourceMeta(
        service="storage",
        path="buckets",
        domain="bucket",
        filters=("id", "name", "realm_id", "actor_type", "actor_id"),
        sorts=("id", "updated_at", "created_at"),
        # ``POST buckets/:id`` exists but mounts no updatable field (it only re-ensures the object-store
        # bucket), so "update" is left out.
        operations=frozenset[Operation]({"list", "get", "create", "delete"}),
        default_ordering=("created_at", "id"),
        # A name works in place of the id, but only when no query parameters are sent (§4.1), and it
        # returns the first match since names are not unique.
        by_name=True,
    )

    name: Annotated[str | None, REQUIRED_CREATE_ONLY] = None
    region: Annotated[str | None, CREATE_ONLY] = None
    realm_id: Annotated[UUID | None, CREATE_ONLY] = None
    # [inferred] may stay null for buckets created through the API (§4.1).
    actor_id: Annotated[UUID | None, READ_ONLY] = None
    actor_type: Annotated[ActorType | str | None, READ_ONLY] = None
    # ``actor_id`` names a user, a robot or a client (by ``actor_type``): no relation of one resource.
    realm = Related(Realm)

    # reverse and many-to-many accessors (derived from the relations: tools/sync_relation_accessors.py)
    bucket_file_set: ClassVar[Reverse[BucketFile]]


class BucketFile(Entity):
    """A file stored in a bucket; its ``path`` is the filename given at upload."""

    meta: ClassVar[ResourceMeta] = ResourceMeta(
        service="storage",
        path="bucket-files",
        domain="bucketFile",
        # ``path`` is not filterable.
        filters=("id", "name", "directory", "realm_id", "actor_type", "actor_id", "bucket_id"),
        sorts=("id", "directory", "name", "updated_at", "created_at"),
        operations=frozenset[Operation]({"list", "get", "delete"}),
        default_ordering=("created_at", "id"),
    )

    name: Annotated[str | None, READ_ONLY] = None
    path: Annotated[str | None, READ_ONLY] = None
    directory: Annotated[str | None, READ_ONLY] = None
    # 64 hex characters: the object-storage key. The reference reads it as random, not a checksum of the
    # content (observed.md calls it sha256-shaped); do not use it to verify a download.
    hash: Annotated[str | None, READ_ONLY] = None
    size: Annotated[int | None, READ_ONLY] = None
    actor_type: Annotated[ActorType | str | None, READ_ONLY] = None
    actor_id: Annotated[UUID | None, READ_ONLY] = None
    realm_id: Annotated[UUID | None, READ_ONLY] = None
    bucket_id: Annotated[UUID | None, READ_ONLY] = None
    bucket: Annotated[Bucket | None, INCLUDE] = None
    realm = Related(Realm)
