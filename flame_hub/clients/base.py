"""``BaseClient`` and ``AsyncBaseClient``: the sync and the async face of a service client.

Everything a service client does is written once, as plans, in :class:`~flame_hub.engine.client.ServiceClient`;
a client class only says whether it is async, and so which of the two drivers runs its plans
(:func:`~flame_hub._driver.run` or :func:`~flame_hub._driver.arun`), and how it is closed.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

import httpx
from typing_extensions import Self, Unpack

from flame_hub._driver import arun, run
from flame_hub.engine.client import RequestOptions, ServiceClient, check_request_options

__all__ = ["AsyncBaseClient", "AsyncClosing", "BaseClient", "Closing"]


class Closing:
    """``with obj:`` closes it at the end (a sync client, a ``Hub``)."""

    def close(self) -> None:
        """Close the connection pool(s)."""
        raise NotImplementedError  # pragma: no cover

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncClosing:
    """``async with obj:`` closes it at the end (an async client, an ``AsyncHub``)."""

    async def aclose(self) -> None:
        """Close the connection pool(s)."""
        raise NotImplementedError  # pragma: no cover

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


class BaseClient(ServiceClient, Closing):
    """A sync service client over one :class:`httpx.Client` (keep-alive connection pool); see the arguments
    of :class:`~flame_hub.engine.client.ServiceClient`."""

    is_async = False
    _http_class = httpx.Client

    def request(self, method: str, url: httpx.URL | str, **options: Unpack[RequestOptions]) -> httpx.Response:
        """Send one request and return the response, raising for any status not in ``expected``.

        Options: ``params``, ``json``, ``files``, ``data``, ``auth`` (per request), ``expected``
        (statuses that are not errors, default 200) and ``stream`` (do not read the body; close the
        response yourself).
        """
        check_request_options(options)
        return run(self._request_plan(method, url, options))

    def close(self) -> None:
        """Close the connection pool (unless it belongs to a client you passed in)."""
        if self._owns_client:
            self._http.close()


class AsyncBaseClient(ServiceClient, AsyncClosing):
    """The async twin of :class:`BaseClient`, over one :class:`httpx.AsyncClient`."""

    is_async = True
    _http_class = httpx.AsyncClient

    def _run(self, plan: Any) -> Any:
        """Run one of this client's plans with async IO: a coroutine (an async iterator for a stream)."""
        return arun(plan)

    async def request(
        self, method: str, url: httpx.URL | str, **options: Unpack[RequestOptions]
    ) -> httpx.Response:
        """Send one request and return the response (see :meth:`BaseClient.request`)."""
        check_request_options(options)
        return await arun(self._request_plan(method, url, options))

    async def aclose(self) -> None:
        """Close the connection pool (unless it belongs to a client you passed in)."""
        if self._owns_client:
            await self._http.aclose()
