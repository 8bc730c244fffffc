"""The ``flame-hub`` command: the demo (the README's main job) and serving FakeHub on loopback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="flame-hub", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="run the quickstart against an in-process FakeHub or a real Hub")
    demo.add_argument("--url", help="a Hub URL (default: an in-process FakeHub, or $FLAME_HUB_URL)")
    demo.add_argument("--username", help="user name for the password grant (or $FLAME_HUB_USERNAME)")
    demo.add_argument("--password", help="password (or $FLAME_HUB_PASSWORD; never printed)")

    serve = sub.add_parser("serve", help="serve FakeHub over HTTP on loopback (/auth/, /core/, /storage/)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=3000, help="port to bind (default 3000; 0 picks one)")
    serve.add_argument("--token-lifetime", type=int, default=900, help="access-token lifetime in seconds")
    serve.add_argument("--seed", type=int, default=None, help="deterministic ids and clock from this seed")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``flame-hub`` console script."""
    args = _build_parser().parse_args(argv)
    if args.command == "serve":
        from flame_hub.testing.server import serve_forever

        serve_forever(host=args.host, port=args.port, token_lifetime=args.token_lifetime, seed=args.seed)
        return 0
    from flame_hub.demo import run_demo

    return run_demo(url=args.url, username=args.username, password=args.password)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
