"""Clients built with ``verify=True`` share one default TLS context per process (issue 13): loading the CA
bundle cost ~20 ms of CPU per httpx client, three per Hub. Sharing must not weaken anything: the context
verifies, ``SSL_CERT_FILE``/``SSL_CERT_DIR`` still apply, other ``verify=`` values get their own."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import certifi
import pytest

from flame_hub import AsyncHub, CoreClient, Hub
from flame_hub.engine.http import default_ssl_context
from flame_hub.exceptions import HubConnectionError


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
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTPS server on loopback with a self-signed certificate for 127.0.0.1: (URL, certificate)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    command += ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(
        [*command, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b'{"data": [], "meta": {"total": 0, "limit": 50, "offset": 0}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/core/", cert
    finally:
        server.shutdown()
        server.server_close()


def test_the_shared_context_refuses_an_unknown_certificate_and_ssl_cert_file_still_applies(
    tls_server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, cert = tls_server
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
