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


def _mypy(tmp_path: Path, source: str) -> tuple[dict[int, str], list[tuple[str, str]], str]:
    """Run mypy --strict over ``source``: the revealed types by line, the errors, the whole output."""
    snippet = tmp_path / "snippet.py"
    snippet.write_text(textwrap.dedent(source))

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
    return revealed, re.findall(r"snippet\.py:(\d+): error: (.+)", output), output


def test_reveal_type_of_managers_querysets_and_records(tmp_path: Path) -> None:
    revealed, errors, output = _mypy(tmp_path, SNIPPET)
    assert revealed == EXPECTED, output
    assert [int(line) for line, _ in errors] == [14], output
    # the descriptor only binds on the class: reading it from an instance does not type-check
    assert '"__get__" of "Manager"' in errors[0][1], output


RELATIONS = """\
from flame_hub.models import Analysis, Node, Project, Realm, User

def check(analysis: Analysis, project: Project, node: Node, user: User, realm: Realm) -> None:
    reveal_type(analysis.project)  # line 4
    reveal_type(project.analysis_set)  # line 5
    reveal_type(Node.objects.filter(hidden=True).update(hidden=False))  # line 6
    reveal_type(node.realm)  # line 7
    reveal_type(project.node_set)  # line 8
    for far in project.node_set.all():
        reveal_type(far)  # line 10
    reveal_type(project.node_set.through)  # line 11
    reveal_type(user.role_set)  # line 12
    reveal_type(Node.objects.filter(hidden=True).delete())  # line 13
    reveal_type(Node.objects.bulk_create([Node(name="x")]))  # line 14
    reveal_type(project.analysis_set.create(name="x"))  # line 15
    reveal_type(realm.node_set)  # line 16
    analysis.project = node  # line 17
    Project(name="no accessor is a constructor argument")
"""

MODULE = "flame_hub.models.core"
RELATIONS_EXPECTED = {
    4: f"{MODULE}.Project | None",
    5: f"flame_hub.orm.relations.RelatedManager[{MODULE}.Analysis]",
    6: "int",
    7: "flame_hub.models.auth.Realm | None",
    8: f"flame_hub.orm.relations.ManyRelatedManager[{MODULE}.Node, {MODULE}.ProjectNode]",
    10: f"{MODULE}.Node",
    11: f"flame_hub.orm.queryset.QuerySet[{MODULE}.ProjectNode]",
    12: "flame_hub.orm.relations.ManyRelatedManager[flame_hub.models.auth.Role, flame_hub.models.auth.UserRole]",
    13: "tuple[int, dict[str, int]]",
    14: f"list[{MODULE}.Node]",
    15: f"{MODULE}.Analysis",
    # authup cannot name core's Node without an import circle (tools/sync_relation_accessors.py)
    16: "flame_hub.orm.relations.RelatedManager[Any]",
}


def test_reveal_type_of_relations_and_bulk_operations(tmp_path: Path) -> None:
    revealed, errors, output = _mypy(tmp_path, RELATIONS)
    assert revealed == RELATIONS_EXPECTED, output
    # a relation takes records of its resource only
    assert [int(line) for line, _ in errors] == [17], output
    assert 'Incompatible types in assignment (expression has type "Node"' in errors[0][1], output
