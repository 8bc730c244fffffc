"""The async clients mirror the sync ones: the generated stub is current and every method has a twin."""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path

import pytest

from flame_hub import (
    AsyncAuthClient,
    AsyncCoreClient,
    AsyncStorageClient,
    AuthClient,
    CoreClient,
    StorageClient,
)

ROOT = Path(__file__).resolve().parents[2]


def _generator() -> object:
    spec = importlib.util.spec_from_file_location("gen_async_stub", ROOT / "tools" / "gen_async_stub.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_async_stub_is_generated_from_the_current_sync_clients() -> None:
    generated = _generator().generate()  # type: ignore[attr-defined]
    on_disk = (ROOT / "flame_hub" / "clients" / "aio.pyi").read_text(encoding="utf-8")
    assert generated == on_disk, "run: python tools/gen_async_stub.py"


def test_the_sync_signatures_stub_is_generated_from_the_current_declarations() -> None:
    generated = _generator().generate_signatures()  # type: ignore[attr-defined]
    on_disk = (ROOT / "flame_hub" / "clients" / "signatures.pyi").read_text(encoding="utf-8")
    assert generated == on_disk, "run: python tools/gen_async_stub.py"


def test_every_declared_method_is_in_the_stubs() -> None:
    signatures = (ROOT / "flame_hub" / "clients" / "signatures.pyi").read_text(encoding="utf-8")
    aio = (ROOT / "flame_hub" / "clients" / "aio.pyi").read_text(encoding="utf-8")
    for sync in (AuthClient, CoreClient, StorageClient):
        declared = sync._declared  # type: ignore[attr-defined]
        assert len(declared) > 5
        for name in declared:
            assert f"    def {name}(self" in signatures, name
            assert f"    async def {name}(self" in aio, name


_TRANSPORT = {"close", "http", "request", "url", "check", "request_auth"}


@pytest.mark.parametrize(
    ("sync", "twin"),
    [(AuthClient, AsyncAuthClient), (CoreClient, AsyncCoreClient), (StorageClient, AsyncStorageClient)],
)
def test_every_public_sync_method_has_an_async_twin(sync: type, twin: type) -> None:
    stub = (ROOT / "flame_hub" / "clients" / "aio.pyi").read_text(encoding="utf-8")
    # the managers are written once, in signatures.pyi's ``<Service>Managers``, which aio.pyi's classes extend
    stub += (ROOT / "flame_hub" / "clients" / "signatures.pyi").read_text(encoding="utf-8")
    methods = {
        name
        for name in dir(sync)
        if not name.startswith("_")
        and name not in _TRANSPORT
        and (
            inspect.isfunction(inspect.getattr_static(sync, name))
            or hasattr(inspect.getattr_static(sync, name), "model")
        )
    }
    assert len(methods) > 10
    for name in methods:
        in_stub = f"async def {name}(" in stub or f"    {name}: " in stub
        native = inspect.iscoroutinefunction(getattr(twin, name)) or name.startswith("stream_")
        assert in_stub or native, f"{twin.__name__}.{name} has no async twin"
        assert hasattr(twin, name)


def test_async_request_and_close_are_coroutines() -> None:
    for twin in (AsyncAuthClient, AsyncCoreClient, AsyncStorageClient):
        assert inspect.iscoroutinefunction(twin.request)
        assert inspect.iscoroutinefunction(twin.aclose)
    assert inspect.iscoroutinefunction(AsyncStorageClient.download_bucket_file)
    assert inspect.iscoroutinefunction(AsyncStorageClient.upload_to_bucket)
