"""The ``flame-hub`` command: the demo (the README's main job) and serving FakeHub on loopback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _build_parser() -> argparse.ArgumentParser:
    from flame_hub.testing.fakehub.app import TIE_ORDERS
    from flame_hub.testing.fakehub.clock import TIMESTAMP_PRECISIONS

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
    serve.add_argument(
        "--no-rate-limit",
        dest="rate_limit",
        action="store_false",
        help="answer no 429s (by default FakeHub limits as the Hub does: authup 1,200 requests a minute "
        "per address)",
    )
    serve.add_argument(
        "--timestamp-precision",
        choices=TIMESTAMP_PRECISIONS,
        default="seconds",
        help="how finely createdAt/updatedAt are stamped (default: seconds, as the Hub on sqlite)",
    )
    serve.add_argument(
        "--skip-project-approval",
        action="store_true",
        help="approve every new project member at once (the Hub's SKIP_PROJECT_APPROVAL)",
    )
    serve.add_argument(
        "--skip-analysis-approval",
        action="store_true",
        help="approve every new analysis member at once (the Hub's SKIP_ANALYSIS_APPROVAL)",
    )
    serve.add_argument(
        "--tie-order",
        choices=TIE_ORDERS,
        default="stable",
        help="order of rows tied on every sort key: stable (as the sqlite Hub) or shuffled anew per "
        "request (as Postgres/MySQL may; for testing paging)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``flame-hub`` console script."""
    args = _build_parser().parse_args(argv)
    if args.command == "serve":
        from flame_hub.testing.server import serve_forever

        serve_forever(
            host=args.host,
            port=args.port,
            token_lifetime=args.token_lifetime,
            seed=args.seed,
            rate_limit=args.rate_limit,
            timestamp_precision=args.timestamp_precision,
            skip_project_approval=args.skip_project_approval,
            skip_analysis_approval=args.skip_analysis_approval,
            tie_order=args.tie_order,
        )
        return 0
    from flame_hub.demo import run_demo

    return run_demo(url=args.url, username=args.username, password=args.password)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
