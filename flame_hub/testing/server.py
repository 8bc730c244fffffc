"""``flame-hub serve``: one fresh FakeHub on loopback until SIGINT/SIGTERM.

The server itself is :mod:`.fakehub.loopback` (also behind ``hub.serve()``); its names are re-exported
here, where the pytest plugin and older code import them from.
"""

from __future__ import annotations

import signal
import sys
import threading
from types import FrameType
from typing import Any

from .fakehub.app import FakeHub
from .fakehub.loopback import LoopbackServer
from .fakehub.loopback import ServerHandle as ServerHandle
from .fakehub.loopback import serve_hub as serve_hub


def serve_forever(
    host: str = "127.0.0.1",
    port: int = 3000,
    token_lifetime: int = 900,
    seed: int | None = None,
    **options: Any,
) -> None:
    """Serve one fresh FakeHub until SIGINT/SIGTERM (``flame-hub serve``); ``options`` are FakeHub's
    (``rate_limit``, ``timestamp_precision``, ``skip_project_approval``, ``skip_analysis_approval``,
    ``tie_order``)."""
    hub = FakeHub(base_url=f"http://{host}:{port}", token_lifetime=token_lifetime, seed=seed, **options)
    server = LoopbackServer((host, port), hub)
    bound_port = server.server_address[1]
    hub.base_url = f"http://{host}:{bound_port}"

    def stop(signum: int, frame: FrameType | None) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    settings = ", ".join(f"{name}={value!r}" for name, value in sorted(options.items()))
    print(
        f"FakeHub serving on {hub.base_url} (/auth/, /core/, /storage/); "
        f"admin user {hub.admin_username!r}; {settings or 'default options'}; Ctrl+C stops",
        file=sys.stderr,
        flush=True,
    )
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        print("FakeHub stopped", file=sys.stderr, flush=True)
