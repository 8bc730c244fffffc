"""Clients built with ``verify=True`` share one default TLS context per process (issue 13): loading the CA
bundle cost ~20 ms of CPU per httpx client, three per Hub. Sharing must not weaken anything: the context
verifies, ``SSL_CERT_FILE``/``SSL_CERT_DIR`` still apply, other ``verify=`` values get their own."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import certifi
import pytest

from flame_hub import AsyncHub, CoreClient, Hub
from flame_hub.engine.http import default_ssl_context
from flame_hub.exceptions import HubConnectionError

from .raw_server import tls_server


def _ssl_context(client: object) -> ssl.SSLContext:
    return client.http._transport._pool._ssl_context  # type: ignore[attr-defined, no-any-return]


def test_every_client_built_with_the_default_shares_one_verifying_context() -> None:
    sync, asynchronous = Hub("https://hub.example/"), AsyncHub("https://other.example/")
    contexts = {
        id(_ssl_context(c)) for hub in (sync, asynchronous) for c in (hub.auth, hub.core, hub.storage)
    }
    assert contexts == {id(default_ssl_context())}
    context = default_ssl_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0  # the CA bundle is loaded


def test_other_verify_values_get_their_own_context() -> None:
    unverified = _ssl_context(CoreClient("https://hub.example/core/", verify=False))
    assert unverified is not default_ssl_context() and unverified.verify_mode == ssl.CERT_NONE
    bundle = _ssl_context(CoreClient("https://hub.example/core/", verify=certifi.where()))
    assert bundle is not default_ssl_context() and bundle.verify_mode == ssl.CERT_REQUIRED
    own = ssl.create_default_context()
    assert _ssl_context(CoreClient("https://hub.example/core/", verify=own)) is own


@pytest.fixture
def tls(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    with tls_server(tmp_path) as server:
        yield server


def test_the_shared_context_refuses_an_unknown_certificate_and_ssl_cert_file_still_applies(
    tls: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, cert = tls
    with (
        CoreClient(url, "token", retry=False) as client,
        pytest.raises(HubConnectionError, match="CERTIFICATE"),
    ):
        client.find_nodes()

    default = default_ssl_context()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    with CoreClient(url, "token", retry=False) as trusting:
        assert trusting.find_nodes() == []
        assert _ssl_context(trusting) is not default
    monkeypatch.undo()  # the environment as it was (it may set SSL_CERT_FILE itself)
    assert default_ssl_context() is default
    with (
        CoreClient(url, "token", retry=False) as client,
        pytest.raises(HubConnectionError, match="CERTIFICATE"),
    ):
        client.find_nodes()
