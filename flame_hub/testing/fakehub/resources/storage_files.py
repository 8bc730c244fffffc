"""File contents of FakeHub's storage service: where uploaded bytes live and how they stream out.

The Hub keeps objects in MinIO under a random 64-hex key (the bucket-file ``hash``); FakeHub keeps
them in a :class:`BlobStore`: small files as ``bytes`` in memory, files of at least
``spool_threshold`` bytes (default 32 MiB) in a temporary directory the store owns and removes when
the hub is garbage-collected. Either way a download streams in ``CHUNK_SIZE`` pieces and never builds
a second copy of the file, so a benchmark can fetch a gigabyte through FakeHub. Set
``blob_store(hub).spool_threshold`` to change the threshold (``0`` spools everything).

Responses: :func:`file_stream` (optionally gzip-encoded, core-and-storage.md §4.4) and
:func:`tar_stream` (a POSIX tar of a bucket, entry names = file paths, written entry by entry).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tarfile
import tempfile
import weakref
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..context import Hub

CHUNK_SIZE = 1024 * 1024
DEFAULT_SPOOL_THRESHOLD = 32 * 1024 * 1024
#: zlib level of gzip-encoded downloads. The Hub's compression middleware uses zlib's default (6);
#: FakeHub uses 1 to keep large downloads fast; the decoded bytes are the same.
GZIP_LEVEL = 1


@dataclass(frozen=True)
class Blob:
    """One stored object: in memory (``data``) or spooled to a file (``path``)."""

    size: int
    data: bytes | None = None
    path: str | None = None

    def chunks(self, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        """The content in pieces of at most ``chunk_size`` bytes."""
        if self.data is not None:
            view = memoryview(self.data)
            for start in range(0, self.size, chunk_size):
                yield bytes(view[start : start + chunk_size])
            return
        if self.path is None:
            return
        try:
            handle = open(self.path, "rb")  # noqa: SIM115 - closed in the finally below
        except FileNotFoundError:
            return  # deleted while a download was pending: the stream ends early
        try:
            while piece := handle.read(chunk_size):
                yield piece
        finally:
            handle.close()


class BlobStore:
    """Objects by storage key, in memory or spooled to a private temporary directory."""

    def __init__(self, spool_threshold: int = DEFAULT_SPOOL_THRESHOLD) -> None:
        self.spool_threshold = spool_threshold
        self._blobs: dict[str, Blob] = {}
        self._directory: str | None = None

    def __repr__(self) -> str:
        return f"BlobStore(objects={len(self._blobs)}, spool_threshold={self.spool_threshold})"

    def _spool_path(self, key: str) -> str:
        if self._directory is None:
            self._directory = tempfile.mkdtemp(prefix="fakehub-storage-")
            weakref.finalize(self, shutil.rmtree, self._directory, True)
        return os.path.join(self._directory, key)

    def put(self, key: str, content: memoryview | bytes) -> Blob:
        """Store ``content`` under ``key`` (a memoryview is written to disk without a copy)."""
        view = memoryview(content)
        size = view.nbytes
        if size >= self.spool_threshold:
            path = self._spool_path(key)
            with open(path, "wb") as handle:
                for start in range(0, size, CHUNK_SIZE):
                    handle.write(view[start : start + CHUNK_SIZE])
            blob = Blob(size, path=path)
        else:
            blob = Blob(size, data=view.tobytes())
        self._blobs[key] = blob
        return blob

    def get(self, key: str) -> Blob | None:
        """The object stored under ``key``."""
        return self._blobs.get(key)

    def delete(self, key: str) -> None:
        """Forget ``key`` (and remove its spool file)."""
        blob = self._blobs.pop(key, None)
        if blob is not None and blob.path is not None:
            with contextlib.suppress(FileNotFoundError):
                os.remove(blob.path)


def blob_store(hub: Hub) -> BlobStore:
    """The hub's object store (created on first use)."""
    store = hub.store.extra.get("storage.blobs")
    if not isinstance(store, BlobStore):
        store = hub.store.extra["storage.blobs"] = BlobStore()
    return store


def accepts_gzip(header: str | None) -> bool:
    """Whether an ``Accept-Encoding`` header allows gzip (``gzip`` or ``*`` with a non-zero q)."""
    if not header:
        return False
    allowed: dict[str, bool] = {}
    for item in header.split(","):
        coding, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        allowed[coding.strip().lower()] = quality > 0
    return allowed.get("gzip", allowed.get("*", False))


def gzipped(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """``chunks`` gzip-encoded on the fly."""
    encoder = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
    for chunk in chunks:
        out = encoder.compress(chunk)
        if out:
            yield out
    yield encoder.flush()


def tar_stream(entries: list[tuple[str, Blob, float]]) -> Iterator[bytes]:
    """A tar archive of ``(name, blob, mtime)`` entries, produced entry by entry."""
    for name, blob, mtime in entries:
        info = tarfile.TarInfo(name)
        info.size = blob.size
        info.mtime = int(mtime)
        info.mode = 0o644
        yield info.tobuf(format=tarfile.PAX_FORMAT)
        written = 0
        for chunk in blob.chunks():
            written += len(chunk)
            yield chunk
        if written < blob.size:
            yield bytes(blob.size - written)  # the object vanished mid-stream: keep the archive valid
        padding = -blob.size % tarfile.BLOCKSIZE
        if padding:
            yield bytes(padding)
    yield bytes(tarfile.BLOCKSIZE * 2)
