"""``StorageClient``: buckets and bucket files — upload, streaming download, the bucket tarball.

Buckets and bucket files are declared like every resource (``declare`` below). Uploading and
downloading are written out, because they move bytes (:mod:`flame_hub.clients.transfers`): each is a
plan run by the client's driver, so the sync and the async client share every line. Downloads stream
in bounded memory; a download to a path appears only once it is complete.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from typing_extensions import Unpack

from flame_hub._driver import Chunks, Close, Defer, Emit, NextChunk, Plan, Stream
from flame_hub.clients.base import BaseClient
from flame_hub.clients.methods import ResourceFacade, declare, special
from flame_hub.clients.operations import Create, reads
from flame_hub.clients.transfers import (
    DEFAULT_CHUNK_SIZE,
    AtomicFile,
    DownloadOptions,
    Progress,
    TransferOptions,
    Uploadable,
    UploadParts,
    check_options,
)
from flame_hub.config import DEFAULT_STORAGE_URL
from flame_hub.engine.calls import Call, record_id
from flame_hub.engine.client import USE_CLIENT_AUTH, AuthArg, ServiceClient
from flame_hub.engine.http import lit
from flame_hub.exceptions import ConfigurationError, HubConnectionError
from flame_hub.models.storage import Bucket, BucketFile
from flame_hub.schema.envelopes import ListEnvelope, list_adapter
from flame_hub.schema.record import IdLike, Record
from flame_hub.types import UploadFile

if TYPE_CHECKING:
    from flame_hub.clients.signatures import StorageSignatures as _Declared
else:
    _Declared = object

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DownloadOptions",
    "Progress",
    "StorageClient",
    "StorageMethods",
    "TransferOptions",
    "UploadFile",
]


class StorageMethods(ResourceFacade, _Declared):
    """Every storage operation, shared by the sync and the async client."""

    # Managers (``hub.storage.buckets.filter(…)``) come with the declarations below.

    # -- bytes: written out because they stream (each method runs a plan through the client's driver) ---

    @special
    def upload_to_bucket(
        self, bucket_id: IdLike, *upload_file: Uploadable, **options: Unpack[TransferOptions]
    ) -> list[BucketFile]:
        """Upload files into a bucket; each ``file_name`` (directories included) becomes the stored path.

        Files are paths, ``(file_name, content)`` pairs or ``UploadFile`` dicts; content is bytes, text
        or a binary file object. A given ``content_type`` is sent as it is, otherwise it is guessed from
        the file name. Options: ``progress(done, total)`` and per-request ``auth``.
        """
        return self._run(_upload(self, bucket_id, upload_file, options))

    def stream_bucket_file(
        self, bucket_file_id: IdLike, chunk_size: int = DEFAULT_CHUNK_SIZE, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> Iterator[bytes]:
        """The file's bytes in chunks (lazy: nothing is requested before the first chunk is asked for)."""
        url = _stream_url(self, BucketFile, bucket_file_id, chunk_size)
        return self._run(Stream[bytes](_chunks(self, url, chunk_size, auth)))

    def stream_bucket_tarball(
        self, bucket_id: IdLike, chunk_size: int = DEFAULT_CHUNK_SIZE, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> Iterator[bytes]:
        """A tar archive of every file in the bucket, in chunks."""
        url = _stream_url(self, Bucket, bucket_id, chunk_size)
        return self._run(Stream[bytes](_chunks(self, url, chunk_size, auth)))

    @special
    def download_bucket_file(
        self, bucket_file_id: IdLike, path: str | os.PathLike[str], **options: Unpack[DownloadOptions]
    ) -> Path:
        """Stream a file to ``path`` in bounded memory; the file appears only once it is complete."""
        return self._run(_download(self, BucketFile, bucket_file_id, path, options))

    @special
    def download_bucket_tarball(
        self, bucket_id: IdLike, path: str | os.PathLike[str], **options: Unpack[DownloadOptions]
    ) -> Path:
        """Stream the bucket's tar archive to ``path``; the file appears only once it is complete."""
        return self._run(_download(self, Bucket, bucket_id, path, options))


# Files are not created through bucket-files: they come from upload_to_bucket.
declare(StorageMethods, *reads(Bucket), Create(Bucket, "name", "region"), *reads(BucketFile))


# -- the plans ----------------------------------------------------------------------------------------


def _upload(
    client: ServiceClient, bucket_id: IdLike, files: tuple[Uploadable, ...], options: TransferOptions
) -> Plan[list[BucketFile]]:
    check_options(options, TransferOptions, "upload_to_bucket")
    adapter = list_adapter(BucketFile)

    def parse(response: httpx.Response) -> list[BucketFile]:
        envelope: ListEnvelope[BucketFile] = adapter.validate_json(response.content)
        return envelope.data

    url = client.url(lit("buckets"), record_id(Bucket, bucket_id), lit("upload"))
    parts = UploadParts(files, options.get("progress"))
    auth = options.get("auth", USE_CLIENT_AUTH)
    try:
        stored: list[BucketFile] = yield Call(
            "POST", url, parse, files=parts.files, expected=(201,), auth=auth, client=client
        )
        return stored
    finally:
        parts.close()


def _stream_url(client: ServiceClient, kind: type[Record], ident: IdLike, chunk_size: int) -> httpx.URL:
    if chunk_size < 1:
        raise ConfigurationError(f"chunk_size must be at least 1 byte, got {chunk_size}")
    return client.url(lit(kind.meta.path), record_id(kind, ident), lit("stream"))


def _chunks(
    client: ServiceClient,
    url: httpx.URL,
    chunk_size: int,
    auth: AuthArg,
    write: Callable[[bytes], None] | None = None,
) -> Plan[None]:
    """Read the body of ``GET url`` chunk by chunk: each chunk is emitted, or given to ``write``."""
    response = yield from client._request_plan("GET", url, {"auth": auth, "stream": True})
    yield Defer(Close(response))
    try:
        handle = yield Chunks(response, chunk_size)
        while (chunk := (yield NextChunk(handle))) is not None:
            if write is None:
                yield Emit((chunk,))
            else:
                write(chunk)
    except httpx.TransportError as exc:
        raise HubConnectionError(f"the download of {url} broke off: {type(exc).__name__}: {exc}") from exc


def _download(
    client: ServiceClient,
    kind: type[Record],
    ident: IdLike,
    path: str | os.PathLike[str],
    options: DownloadOptions,
) -> Plan[Path]:
    check_options(
        options, DownloadOptions, "download_bucket_tarball" if kind is Bucket else "download_bucket_file"
    )
    chunk_size = options.get("chunk_size", DEFAULT_CHUNK_SIZE)
    url = _stream_url(client, kind, ident, chunk_size)
    target = AtomicFile(Path(path), options.get("progress"))
    try:
        yield from _chunks(client, url, chunk_size, options.get("auth", USE_CLIENT_AUTH), target.write)
    except BaseException:
        target.abort()
        raise
    return target.commit()


class StorageClient(BaseClient, StorageMethods):
    """Client of the Hub's storage service, at ``https://host/storage/``."""

    service = "storage"
    default_url = DEFAULT_STORAGE_URL
