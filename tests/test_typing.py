"""What a type checker sees of the ORM: ``Node.objects`` is a ``Manager[Node]``, chains stay
``QuerySet[Node]``, ``get`` and iteration give ``Node``, and ``node.objects`` is an error — with no plugin.

One mypy run over a snippet that uses ``reveal_type``; the revealed types are read from its output.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SNIPPET = """\
from flame_hub import Hub
from flame_hub.models import Node

def check(hub: Hub, node: Node) -> None:
    reveal_type(Node.objects)  # line 5
    reveal_type(Node.objects.filter(name__like="x").order_by("-created_at")[:10])  # line 6
    reveal_type(Node.objects.get(id="x"))  # line 7
    for n in Node.objects.all():
        reveal_type(n)  # line 9
    reveal_type(hub.core.nodes)  # line 10
    reveal_type(Node.objects.first())  # line 11
    reveal_type(Node.objects.filter(hidden=True)[3])  # line 12
    reveal_type(Node.objects.using(hub).in_bulk([]))  # line 13
    node.objects  # line 14
"""

EXPECTED = {
    5: "flame_hub.orm.manager.Manager[flame_hub.models.core.Node]",
    6: "flame_hub.orm.queryset.QuerySet[flame_hub.models.core.Node]",
    7: "flame_hub.models.core.Node",
    9: "flame_hub.models.core.Node",
    10: "flame_hub.orm.manager.Manager[flame_hub.models.core.Node]",
    11: "flame_hub.models.core.Node | None",
    12: "flame_hub.models.core.Node",
    13: "dict[Any, flame_hub.models.core.Node]",
}


def test_reveal_type_of_managers_querysets_and_records(tmp_path: Path) -> None:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(textwrap.dedent(SNIPPET))

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "cache"),
            "--follow-imports=silent",
            str(snippet),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr

    revealed = {
        int(line): kind.replace("builtins.", "")  # older mypy versions spell builtins out
        for line, kind in re.findall(r"snippet\.py:(\d+): note: Revealed type is \"(.+)\"", output)
    }
    assert revealed == EXPECTED, output
    errors = re.findall(r"snippet\.py:(\d+): error: (.+)", output)
    assert [int(line) for line, _ in errors] == [14], output
    # the descriptor only binds on the class: reading it from an instance does not type-check
    assert '"__get__" of "Manager"' in errors[0][1], output
