"""``StorageClient``: buckets and bucket files — upload, streaming download, the bucket tarball.

Uploads take bytes, text, file objects or paths and never change what the caller passed (the existing
client overwrote ``content_type`` in the caller's dict). Downloads stream in bounded memory; a
download to a path writes a temporary file next to it and renames it only when the whole body arrived,
so a broken connection never leaves a file that looks complete.
"""

from __future__ import annotations

import io
import mimetypes
import os
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

import httpx
from typing_extensions import TypedDict, Unpack

from flame_hub._sync import iterate_sync, run_sync
from flame_hub.clients.base import (
    USE_CLIENT_AUTH,
    AsyncBaseClient,
    AuthArg,
    BaseClient,
    ServiceCore,
    _HTTPClientCore,
    lit,
)
from flame_hub.clients.engine import Call, record_id
from flame_hub.clients.methods import ClientManager, Create, ResourceFacade, declare, reads
from flame_hub.config import DEFAULT_STORAGE_URL
from flame_hub.exceptions import ConfigurationError, HubConnectionError
from flame_hub.models.base import IdLike, ListEnvelope, Resource, list_adapter
from flame_hub.models.storage import Bucket, BucketFile
from flame_hub.types import ReadableBinary, UploadFile

if TYPE_CHECKING:
    from flame_hub.clients.signatures import StorageSignatures as _Declared
else:
    _Declared = object

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "AsyncStorageIO",
    "DownloadOptions",
    "Progress",
    "StorageClient",
    "StorageMethods",
    "TransferOptions",
    "UploadFile",
]


#: Bytes per chunk when streaming (the existing client's 1 KiB made large downloads slow).
DEFAULT_CHUNK_SIZE = 64 * 1024

#: ``progress(done_bytes, total_bytes_or_None)``, called as data moves.
Progress = Callable[[int, "int | None"], None]


Uploadable = UploadFile | str | os.PathLike[str] | tuple[str, bytes | str | IO[bytes] | ReadableBinary]


class _ProgressReader(io.RawIOBase):
    """A seekable reader over a file that reports how many bytes were read (for upload progress)."""

    def __init__(self, source: IO[bytes], total: int | None, report: Callable[[int], None]) -> None:
        self._source = source
        self._total = total
        self._report = report

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._source.seek(offset, whence)

    def tell(self) -> int:
        return self._source.tell()

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size)
        if data:
            self._report(len(data))
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _content_type(file_name: str, given: str | None) -> str:
    if given:
        return given
    guessed, _ = mimetypes.guess_type(file_name)
    return guessed or "application/octet-stream"


def _size(stream: IO[bytes]) -> int | None:
    try:
        position = stream.tell()
        end = stream.seek(0, io.SEEK_END)
        stream.seek(position)
        return end - position
    except (OSError, ValueError):
        return None


class _UploadParts:
    """The multipart parts of an upload, and the files this object opened (closed afterwards)."""

    def __init__(self, items: tuple[Uploadable, ...], progress: Progress | None) -> None:
        if not items:
            raise ConfigurationError("upload_to_bucket needs at least one file")
        self.opened: list[IO[bytes]] = []
        prepared = [self._prepare(item) for item in items]
        total_known = all(size is not None for _, _, _, size in prepared)
        total = sum(size or 0 for _, _, _, size in prepared) if total_known else None
        done = 0

        def report(count: int) -> None:
            nonlocal done
            done += count
            if progress is not None:
                progress(done, total)

        self.files: list[tuple[str, tuple[str, Any, str]]] = []
        for name, stream, content_type, size in prepared:
            body: Any = _ProgressReader(stream, size, report) if progress is not None else stream
            self.files.append(("file", (name, body, content_type)))

    def _prepare(self, item: Uploadable) -> tuple[str, IO[bytes], str, int | None]:
        content_type: str | None = None
        content: bytes | str | IO[bytes] | ReadableBinary
        if isinstance(item, (str, os.PathLike)):
            path = Path(item)
            if not path.is_file():
                raise ConfigurationError(f"cannot upload {str(path)!r}: no such file")
            opened = path.open("rb")
            self.opened.append(opened)
            name, content = path.name, opened
        elif isinstance(item, tuple) and len(item) == 2:
            name, content = item
        elif isinstance(item, dict):
            if "file_name" not in item or "content" not in item:
                raise ConfigurationError("an UploadFile needs 'file_name' and 'content'")
            name, content, content_type = item["file_name"], item["content"], item.get("content_type")
        else:
            raise ConfigurationError(
                f"cannot upload a {type(item).__name__}: pass a path, (file_name, content) or an UploadFile dict"
            )
        if not isinstance(name, str) or not name:
            raise ConfigurationError(f"an uploaded file needs a non-empty file name, got {name!r}")
        if isinstance(content, str):
            content = content.encode("utf-8")
            content_type = content_type or "text/plain; charset=utf-8"
        stream: IO[bytes]
        if isinstance(content, (bytes, bytearray, memoryview)):
            stream = io.BytesIO(bytes(content))
        elif hasattr(content, "read"):
            seekable = getattr(content, "seekable", None)
            if callable(seekable) and seekable():
                stream = cast(IO[bytes], content)
            else:
                # a pipe or socket: read it once so that a re-sent request (after a token renewal) has it
                stream = io.BytesIO(content.read())
        else:
            raise ConfigurationError(f"cannot upload content of type {type(content).__name__} for {name!r}")
        return name, stream, _content_type(name, content_type), _size(stream)

    def close(self) -> None:
        for stream in self.opened:
            stream.close()


class StorageMethods(ResourceFacade, _Declared):
    """Every storage operation that is not IO-specific, shared by the sync and the async client."""

    # -- managers: ``hub.storage.buckets.filter(…)`` queries through this client -------------------
    buckets = ClientManager(Bucket)
    bucket_files = ClientManager(BucketFile)


# Files are not created through bucket-files: they come from upload_to_bucket.
declare(StorageMethods, *reads(Bucket), Create(Bucket, "name", "region"), *reads(BucketFile))


def _upload_call(
    client: ServiceCore, bucket_id: IdLike, parts: _UploadParts, auth: AuthArg
) -> Call[list[BucketFile]]:
    adapter = list_adapter(BucketFile)

    def parse(response: httpx.Response) -> list[BucketFile]:
        envelope: ListEnvelope[BucketFile] = adapter.validate_json(response.content)
        return envelope.data

    url = client.url(lit("buckets"), record_id(Bucket, bucket_id), lit("upload"))
    return Call("POST", url, parse, files=parts.files, expected=(201,), auth=auth)


def _stream_url(client: ServiceCore, kind: type[Resource], ident: IdLike, chunk_size: int) -> httpx.URL:
    if chunk_size < 1:
        raise ConfigurationError(f"chunk_size must be at least 1 byte, got {chunk_size}")
    return client.url(lit(kind.meta.path), record_id(kind, ident), lit("stream"))


class _AtomicFile:
    """A temporary file beside ``target`` that replaces ``target`` only when committed."""

    def __init__(self, target: Path, progress: Progress | None) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        self.target = target
        self._progress = progress
        self._done = 0
        self._handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - committed or removed by the caller
            dir=target.parent, prefix=f".{target.name}.", suffix=".part", delete=False
        )

    def write(self, chunk: bytes) -> None:
        self._handle.write(chunk)
        self._done += len(chunk)
        if self._progress is not None:
            self._progress(self._done, None)

    def commit(self) -> Path:
        self._handle.close()
        os.replace(self._handle.name, self.target)
        return self.target

    def abort(self) -> None:
        self._handle.close()
        Path(self._handle.name).unlink(missing_ok=True)


class TransferOptions(TypedDict, total=False):
    """Keyword options of uploads and downloads: per-request ``auth`` and a ``progress`` callback."""

    auth: AuthArg
    progress: Progress | None


class DownloadOptions(TransferOptions, total=False):
    """Keyword options of downloads to a path: those of every transfer, and the bytes per read."""

    chunk_size: int


def _check_options(options: Mapping[str, object], allowed: Any, method: str) -> None:
    """Refuse keywords the method does not take, as Python would without ``**options``.

    ``Unpack[...]`` types the options for checkers only; at run time a misspelt ``progres=`` or an
    upload's ``chunk_size=`` would otherwise be dropped without a word.
    """
    unknown = set(options) - set(allowed.__required_keys__ | allowed.__optional_keys__)
    if unknown:
        raise TypeError(f"{method}() got unexpected keyword argument(s): {', '.join(sorted(unknown))}")


# -- the IO, written once (the sync client runs it with blocking IO, see flame_hub._sync) ---------------


async def _upload(
    client: _HTTPClientCore[Any], bucket_id: IdLike, files: tuple[Uploadable, ...], options: TransferOptions
) -> list[BucketFile]:
    _check_options(options, TransferOptions, "upload_to_bucket")
    parts = _UploadParts(files, options.get("progress"))
    try:
        return await client._run_call(
            _upload_call(client, bucket_id, parts, options.get("auth", USE_CLIENT_AUTH))
        )
    finally:
        parts.close()


async def _chunks(
    client: _HTTPClientCore[Any], url: httpx.URL, chunk_size: int, auth: AuthArg
) -> AsyncIterator[bytes]:
    response = await client._request("GET", url, {"auth": auth, "stream": True})
    try:
        async for chunk in client._io_chunks(response, chunk_size):
            yield chunk
    except httpx.TransportError as exc:
        raise HubConnectionError(f"the download of {url} broke off: {type(exc).__name__}: {exc}") from exc
    finally:
        await client._io_close(response)


async def _download(
    client: _HTTPClientCore[Any],
    kind: type[Resource],
    ident: IdLike,
    path: str | os.PathLike[str],
    options: DownloadOptions,
) -> Path:
    _check_options(
        options, DownloadOptions, "download_bucket_tarball" if kind is Bucket else "download_bucket_file"
    )
    chunk_size = options.get("chunk_size", DEFAULT_CHUNK_SIZE)
    url = _stream_url(client, kind, ident, chunk_size)
    target = _AtomicFile(Path(path), options.get("progress"))
    try:
        async for chunk in _chunks(client, url, chunk_size, options.get("auth", USE_CLIENT_AUTH)):
            target.write(chunk)
    except BaseException:
        target.abort()
        raise
    return target.commit()


class StorageClient(BaseClient, StorageMethods):
    """Client of the Hub's storage service, at ``https://host/storage/``."""

    service = "storage"
    default_url = DEFAULT_STORAGE_URL

    def upload_to_bucket(
        self, bucket_id: IdLike, *upload_file: Uploadable, **options: Unpack[TransferOptions]
    ) -> list[BucketFile]:
        """Upload files into a bucket; each ``file_name`` (directories included) becomes the stored path.

        Files are paths, ``(file_name, content)`` pairs or ``UploadFile`` dicts; content is bytes, text
        or a binary file object. A given ``content_type`` is sent as it is, otherwise it is guessed from
        the file name. Options: ``progress(done, total)`` and per-request ``auth``.
        """
        return run_sync(_upload(self, bucket_id, upload_file, options))

    def stream_bucket_file(
        self, bucket_file_id: IdLike, chunk_size: int = DEFAULT_CHUNK_SIZE, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> Iterator[bytes]:
        """The file's bytes in chunks (lazy: nothing is requested before the first chunk is asked for)."""
        return iterate_sync(
            _chunks(self, _stream_url(self, BucketFile, bucket_file_id, chunk_size), chunk_size, auth)
        )

    def stream_bucket_tarball(
        self, bucket_id: IdLike, chunk_size: int = DEFAULT_CHUNK_SIZE, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> Iterator[bytes]:
        """A tar archive of every file in the bucket, in chunks."""
        return iterate_sync(_chunks(self, _stream_url(self, Bucket, bucket_id, chunk_size), chunk_size, auth))

    def download_bucket_file(
        self, bucket_file_id: IdLike, path: str | os.PathLike[str], **options: Unpack[DownloadOptions]
    ) -> Path:
        """Stream a file to ``path`` in bounded memory; the file appears only once it is complete."""
        return run_sync(_download(self, BucketFile, bucket_file_id, path, options))

    def download_bucket_tarball(
        self, bucket_id: IdLike, path: str | os.PathLike[str], **options: Unpack[DownloadOptions]
    ) -> Path:
        """Stream the bucket's tar archive to ``path``; the file appears only once it is complete."""
        return run_sync(_download(self, Bucket, bucket_id, path, options))


class AsyncStorageIO(AsyncBaseClient):
    """The async twins of the storage client's upload, stream and download methods."""

    async def upload_to_bucket(
        self, bucket_id: IdLike, *upload_file: Uploadable, **options: Unpack[TransferOptions]
    ) -> list[BucketFile]:
        """Upload files into a bucket (see :meth:`StorageClient.upload_to_bucket`)."""
        return await _upload(self, bucket_id, upload_file, options)

    def stream_bucket_file(
        self, bucket_file_id: IdLike, chunk_size: int = DEFAULT_CHUNK_SIZE, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> AsyncIterator[bytes]:
        """The file's bytes in chunks, for ``async for`` (nothing is requested before the first chunk)."""
        return _chunks(self, _stream_url(self, BucketFile, bucket_file_id, chunk_size), chunk_size, auth)

    def stream_bucket_tarball(
        self, bucket_id: IdLike, chunk_size: int = DEFAULT_CHUNK_SIZE, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> AsyncIterator[bytes]:
        """A tar archive of every file in the bucket, in chunks, for ``async for``."""
        return _chunks(self, _stream_url(self, Bucket, bucket_id, chunk_size), chunk_size, auth)

    async def download_bucket_file(
        self, bucket_file_id: IdLike, path: str | os.PathLike[str], **options: Unpack[DownloadOptions]
    ) -> Path:
        """Stream a file to ``path``; the file appears only once it is complete."""
        return await _download(self, BucketFile, bucket_file_id, path, options)

    async def download_bucket_tarball(
        self, bucket_id: IdLike, path: str | os.PathLike[str], **options: Unpack[DownloadOptions]
    ) -> Path:
        """Stream the bucket's tar archive to ``path``; the file appears only once it is complete."""
        return await _download(self, Bucket, bucket_id, path, options)
