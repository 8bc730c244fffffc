"""What moves bytes in and out of storage: upload parts (with progress) and downloads that appear whole.

Uploads take bytes, text, file objects or paths and never change what the caller passed (the existing
client overwrote ``content_type`` in the caller's dict). A download to a path writes a temporary file
next to it and renames it only when the whole body arrived, so a broken connection never leaves a file
that looks complete.
"""

from __future__ import annotations

import io
import mimetypes
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any, cast

from typing_extensions import TypedDict

from flame_hub.engine.client import AuthArg
from flame_hub.exceptions import ConfigurationError
from flame_hub.types import ReadableBinary, UploadFile

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "AtomicFile",
    "DownloadOptions",
    "Progress",
    "TransferOptions",
    "UploadParts",
    "Uploadable",
    "check_options",
]


#: Bytes per chunk when streaming (the existing client's 1 KiB made large downloads slow).
DEFAULT_CHUNK_SIZE = 64 * 1024

#: ``progress(done_bytes, total_bytes_or_None)``, called as data moves.
Progress = Callable[[int, "int | None"], None]


#: What ``upload_to_bucket`` takes: a path, a ``(file_name, content)`` pair or an ``UploadFile`` dict.
Uploadable = UploadFile | str | os.PathLike[str] | tuple[str, bytes | str | IO[bytes] | ReadableBinary]


class _ProgressReader(io.RawIOBase):
    """A seekable reader over a file that reports how many bytes were read (for upload progress)."""

    def __init__(self, source: IO[bytes], report: Callable[[int], None]) -> None:
        self._source = source
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


class UploadParts:
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
        for name, stream, content_type, _size in prepared:
            body: Any = _ProgressReader(stream, report) if progress is not None else stream
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
        """Close the files this object opened (those the caller passed stay open)."""
        for stream in self.opened:
            stream.close()


class AtomicFile:
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
        """Append a chunk, reporting the progress."""
        self._handle.write(chunk)
        self._done += len(chunk)
        if self._progress is not None:
            self._progress(self._done, None)

    def commit(self) -> Path:
        """The body is complete: put the file in its place."""
        self._handle.close()
        os.replace(self._handle.name, self.target)
        return self.target

    def abort(self) -> None:
        """The body broke off: remove the temporary file."""
        self._handle.close()
        Path(self._handle.name).unlink(missing_ok=True)


class TransferOptions(TypedDict, total=False):
    """Keyword options of uploads and downloads: per-request ``auth`` and a ``progress`` callback."""

    auth: AuthArg
    progress: Progress | None


class DownloadOptions(TransferOptions, total=False):
    """Keyword options of downloads to a path: those of every transfer, and the bytes per read."""

    chunk_size: int


def check_options(options: Mapping[str, object], allowed: Any, method: str) -> None:
    """Refuse keywords the method does not take, as Python would without ``**options``.

    ``Unpack[...]`` types the options for checkers only; at run time a misspelt ``progres=`` or an
    upload's ``chunk_size=`` would otherwise be dropped without a word.
    """
    unknown = set(options) - set(allowed.__required_keys__ | allowed.__optional_keys__)
    if unknown:
        raise TypeError(f"{method}() got unexpected keyword argument(s): {', '.join(sorted(unknown))}")
