"""Hub v0.14.0 storage service (core-and-storage.md §4): buckets, bucket-files, upload and downloads.

Buckets are addressed by UUID or by name (``/buckets/:idOrName``, first match); bucket-files only by
UUID and are created only by ``POST /buckets/:idOrName/upload``. The bytes live in
:mod:`.storage_files`. Uploads into a bucket that belongs to an analysis are mirrored into core's
analysis-bucket-files (:func:`.analysis_effects.on_bucket_file_created`), synchronously in FakeHub.
"""

from __future__ import annotations

import posixpath
from datetime import datetime
from urllib.parse import quote

from ..clock import is_uuid
from ..context import RequestContext
from ..errors import HubError, not_found
from ..hooks import AuthorizeFn, Hooks
from ..http import Response
from ..multipart import is_multipart
from ..router import Routes
from ..schema import REALM_FK, Collections, Field, Relation, Resource, Row
from ..tokens import Identity
from . import analysis_effects, core_state
from .storage_files import accepts_gzip, blob_store, gzipped, tar_stream

ROUTES = Routes("storage")


# -- authorisation ----------------------------------------------------------------------------------------
def _owner(identity: Identity, row: Row) -> bool:
    return row.get("actorType") == identity.kind and row.get("actorId") == identity.id


def _owner_or(permission_of: dict[str, str]) -> AuthorizeFn:
    """authorize(): reads need a login; listed operations need ownership or the permission + realm."""

    def authorize(ctx: RequestContext, op: str, row: Row | None) -> None:
        identity = ctx.require_login()
        permission = permission_of.get(op)
        if permission is None:
            return
        if row is not None and _owner(identity, row):
            return
        ctx.require_any_permission(permission)
        if row is not None:
            core_state.require_realm_of(ctx, row.get("realmId"))

    return authorize


# -- hooks ----------------------------------------------------------------------------------------------
#: The hooks of the two storage resources, registered where each is written.
ON_BUCKET = Hooks(
    authorize=_owner_or({"create": "bucket_create", "update": "bucket_update", "delete": "bucket_delete"})
)
ON_BUCKET_FILE = Hooks(authorize=_owner_or({"delete": "bucket_update"}))


@ON_BUCKET.before_create
def _stamp_actor(ctx: RequestContext, row: Row) -> None:
    """The creator of a bucket. Unsure (core-and-storage.md §4.1, inferred): the Hub may leave
    ``actorType``/``actorId`` null for buckets created through the API; FakeHub records the caller."""
    identity = ctx.identity
    row["actorType"] = identity.kind if identity is not None else None
    row["actorId"] = identity.id if identity is not None else None


@ON_BUCKET.before_delete
def _drop_files(ctx: RequestContext, row: Row) -> None:
    """Deleting a bucket removes all its objects (each one as a file deletion, §3.10)."""
    crud = ctx.crud(BUCKET_FILES.key)
    internal = ctx.hub.internal_context("storage")
    for file in ctx.hub.table(BUCKET_FILES.key).where(bucketId=row["id"]):
        crud.delete_row(internal, file, authorize=False)


@ON_BUCKET_FILE.after_delete
def _drop_object(ctx: RequestContext, row: Row) -> None:
    blob_store(ctx.hub).delete(row["hash"])


# The storage aggregator mirrors files into core's analysis-bucket-files (on delete, after the object).
ON_BUCKET_FILE.after_create(analysis_effects.on_bucket_file_created)
ON_BUCKET_FILE.after_delete(analysis_effects.on_bucket_file_deleted)


storage = Collections("storage")

BUCKETS = storage.entity(
    "buckets",
    # No update keys at HEAD: the update validator mounts only create keys (§4.1).
    Field("name", required=True, create=True, min_length=3, max_length=256),
    Field("region", nullable=True, create=True, min_length=3, max_length=256),
    Field("realmId", type="uuid", nullable=True, create=True, references=REALM_FK),
    Field.uuid("actorId", nullable=True),
    Field("actorType", nullable=True),
    filters=("id", "name", "realmId", "actorType", "actorId"),
    sorts=("id", "updatedAt", "createdAt"),
    realm_field="realmId",
    realm_guard=True,
    hooks=ON_BUCKET,
)

#: Every column is filled by the upload route (``create`` marks what it may set); there is no public
#: create or update route.
BUCKET_FILES = storage.entity(
    "bucket-files",
    Field("name", create=True, max_length=256),
    Field("path", create=True, min_length=1, max_length=512),
    Field("directory", nullable=True, create=True),
    Field("hash", create=True),
    Field("size", type="number", nullable=True, create=True),
    Field("actorType", create=True),
    Field.uuid("actorId", create=True),
    Field.uuid("realmId", nullable=True, create=True),
    Field.fk("bucketId", "storage:buckets", create=True),
    filters=("id", "name", "directory", "realmId", "actorType", "actorId", "bucketId"),
    sorts=("id", "directory", "name", "updatedAt", "createdAt"),
    relations=(Relation.on("bucketId", "storage:buckets"),),
    operations=frozenset({"list", "get", "delete"}),
    hooks=ON_BUCKET_FILE,
)


# -- buckets by id or name ------------------------------------------------------------------------------
def find_bucket(ctx: RequestContext, *, by_name: bool = True) -> Row:
    """The bucket ``:id`` names: a UUID, or else the first bucket with that name."""
    ctx.require_login()
    ident = ctx.params["id"]
    table = ctx.hub.table(BUCKETS.key)
    row = table.get(ident) if is_uuid(ident) else (table.first(name=ident) if by_name else None)
    if row is None:
        raise not_found("bucket")
    return row


@ROUTES.get("/buckets/:id")
def bucket_get(ctx: RequestContext) -> Response:
    """``GET /buckets/:idOrName``; a name is looked up only when no query parameters are sent (§4.1)."""
    row = find_bucket(ctx, by_name=not ctx.request.query_string)
    return ctx.crud(BUCKETS.key).get(ctx, row["id"])


@ROUTES.post("/buckets/:id")
def bucket_update(ctx: RequestContext) -> Response:
    """``POST /buckets/:idOrName`` -> 202 (no updatable keys; "ensure the object-store bucket exists")."""
    return ctx.crud(BUCKETS.key).update(ctx, find_bucket(ctx)["id"])


@ROUTES.delete("/buckets/:id")
def bucket_delete(ctx: RequestContext) -> Response:
    """``DELETE /buckets/:idOrName`` -> 202 with the deleted bucket; its objects go with it."""
    return ctx.crud(BUCKETS.key).delete(ctx, find_bucket(ctx)["id"])


# -- upload and downloads ------------------------------------------------------------------------------
@ROUTES.post("/buckets/:id/upload")
def upload(ctx: RequestContext) -> Response:
    """``POST /buckets/:idOrName/upload`` (multipart) -> 201 ``{data: [files], meta: {total}}``.

    Every part with a filename is stored whatever its field name; the filename is the ``path``. Unsure:
    the reference names no permission for uploading; FakeHub requires a login only.
    """
    bucket = find_bucket(ctx)
    if not is_multipart(ctx.request.header("content-type")):
        raise HubError("bad_request", "A multipart content-type header is required.")
    identity = ctx.require_login()
    crud = ctx.crud(BUCKET_FILES.key)
    table = ctx.hub.table(BUCKET_FILES.key)
    store = blob_store(ctx.hub)
    stored: list[Row] = []
    for part in ctx.parts():
        path = part.filename
        if not path:
            continue
        if table.first(bucketId=bucket["id"], path=path) is not None:
            # core-and-storage.md §4.3 [inferred]: the unique (bucketId, path) violation propagates as a
            # 500, not a 409. Parts stored before this one stay stored. The message is FakeHub's own.
            raise HubError(
                "internal_error", "UNIQUE constraint failed: bucket_file.bucket_id, bucket_file.path"
            )
        key = ctx.hub.ids.hex(64)
        store.put(key, part.view)
        body = {
            "name": posixpath.basename(path),
            "path": path,
            "directory": posixpath.dirname(path) or ".",
            "hash": key,
            "size": part.size,
            "actorType": identity.kind,
            "actorId": identity.id,
            "realmId": identity.realm_id,
            "bucketId": bucket["id"],
        }
        try:
            stored.append(crud.create_row(ctx, body, authorize=False))
        except HubError:
            store.delete(key)
            raise
    data = [crud.present(ctx, row, write=True) for row in stored]
    return Response.json({"data": data, "meta": {"total": len(data)}}, status=201)


def _attachment(filename: str) -> str:
    """A ``Content-Disposition: attachment`` value (RFC 6266 ``filename*`` for non-ASCII names)."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename)
    value = f'attachment; filename="{fallback}"'
    if fallback != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value


@ROUTES.get("/bucket-files/:id/stream")
def file_stream(ctx: RequestContext) -> Response:
    """``GET /bucket-files/:id/stream`` -> the raw bytes as an octet-stream attachment, gzip-encoded when
    ``Accept-Encoding`` allows it (§4.4)."""
    ctx.require_login()
    row = ctx.crud(BUCKET_FILES.key).find(ctx, ctx.params["id"], "get")
    blob = blob_store(ctx.hub).get(row["hash"])
    chunks = blob.chunks() if blob is not None else iter(())
    headers = {"content-disposition": _attachment(str(row["name"]))}
    if accepts_gzip(ctx.request.header("accept-encoding")):
        headers["content-encoding"] = "gzip"
        chunks = gzipped(chunks)
    return Response.stream(chunks, "application/octet-stream", headers)


@ROUTES.get("/buckets/:id/stream")
def bucket_stream(ctx: RequestContext) -> Response:
    """``GET /buckets/:idOrName/stream`` -> a tar of every file (entry name = path), 200 even if empty."""
    bucket = find_bucket(ctx)
    store = blob_store(ctx.hub)
    entries = []
    for row in ctx.hub.table(BUCKET_FILES.key).where(bucketId=bucket["id"]):
        blob = store.get(row["hash"])
        if blob is not None:
            stamp = datetime.fromisoformat(str(row["updatedAt"]).replace("Z", "+00:00")).timestamp()
            entries.append((str(row["path"]), blob, stamp))
    headers = {"content-disposition": _attachment(f"{bucket['id']}.tar")}
    return Response.stream(tar_stream(entries), "application/x-tar", headers)


RESOURCES: tuple[Resource, ...] = (BUCKETS, BUCKET_FILES)
