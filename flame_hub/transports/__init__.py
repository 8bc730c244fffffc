"""Optional transports for the async clients (each one an ``httpx`` transport, chosen explicitly).

The clients send through httpx; by default through httpx's own transports, which need nothing more.
A transport here is for when it measurably pays, and needs its extra installed:

* :class:`flame_hub.transports.aiohttp.AiohttpTransport` (``pip install 'flame-hub-client[aiohttp]'``):
  ``AsyncHub(url, auth, transport=AiohttpTransport())`` sends the async clients' requests with
  aiohttp, which costs about a third less CPU per request than httpx's async transport and so
  reads many pages at once faster (see ``bench/``).

Importing this package imports no transport, so the default install stays lean.
"""
