"""Transport security: TLS on by default, a CA-bundle option, plain-http warnings, no cross-host redirects,
and unreadable answers reported by name."""

from __future__ import annotations

import ssl
import uuid
import warnings

import certifi
import httpx
import pytest

from flame_hub import CoreClient, Hub
from flame_hub.auth import PasswordAuth
from flame_hub.engine.http import InsecureTransportWarning, tls_verify
from flame_hub.exceptions import HubAPIError, UnexpectedResponseError


def _ssl_context(client: CoreClient) -> ssl.SSLContext:
    return client.http._transport._pool._ssl_context  # type: ignore[attr-defined, no-any-return]


def test_tls_verification_is_on_by_default() -> None:
    context = _ssl_context(CoreClient("https://hub.example/core/"))
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname


def test_a_ca_bundle_path_becomes_a_verifying_context() -> None:
    context = tls_verify(certifi.where())
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED
    client = CoreClient("https://hub.example/core/", verify=certifi.where())
    assert _ssl_context(client).verify_mode == ssl.CERT_REQUIRED


@pytest.mark.parametrize("url", ["http://hub.example.org/", "http://10.0.0.5:3000/"])
def test_credentials_over_plain_http_to_another_host_warn(url: str) -> None:
    with pytest.warns(InsecureTransportWarning, match="plain http"):
        Hub(url, PasswordAuth("admin", "pw"))


@pytest.mark.parametrize(
    "url",
    ["https://hub.example.org/", "http://localhost:3000/", "http://127.0.0.1:3000/", "http://fakehub.test/"],
)
def test_encrypted_or_local_hubs_do_not_warn(url: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Hub(url, PasswordAuth("admin", "pw"))


def test_no_credentials_no_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Hub("http://hub.example.org/")


def test_authorization_is_never_carried_to_another_host_by_a_redirect() -> None:
    seen: list[tuple[str, str | None]] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.host, request.headers.get("authorization")))
        if request.url.host == "hub.test":
            return httpx.Response(302, headers={"location": "http://elsewhere.test/steal"})
        return httpx.Response(200, json={"data": [], "meta": {}})

    client = CoreClient("http://hub.test/core/", "secret-token-value", transport=httpx.MockTransport(server))
    with pytest.raises(HubAPIError, match="302"):
        client.find_nodes()
    assert [host for host, _ in seen] == ["hub.test"]


def test_an_unreadable_success_answer_is_reported_by_name() -> None:
    def proxy(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>maintenance</html>")

    client = CoreClient("http://hub.test/core/", "token", transport=httpx.MockTransport(proxy))
    with pytest.raises(UnexpectedResponseError, match=r"GET http://hub\.test/core/nodes"):
        client.get_node(uuid.uuid4())
    with pytest.raises(UnexpectedResponseError):
        client.find_nodes()


def test_a_drifted_record_is_reported_by_name() -> None:
    def drifted(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": [{"id": "not-a-uuid"}], "meta": {"total": 1}})

    client = CoreClient("http://hub.test/core/", "token", transport=httpx.MockTransport(drifted))
    with pytest.raises(UnexpectedResponseError, match="cannot read"):
        client.find_nodes()
