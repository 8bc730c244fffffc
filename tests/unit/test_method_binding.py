"""The seed-style methods bind their arguments without ``inspect`` for plain calls (issue 13), to exactly
what ``inspect.Signature.bind`` + ``apply_defaults`` gives; anything else still goes through inspect,
which raises the TypeError Python would."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from flame_hub import AuthClient, CoreClient, StorageClient
from flame_hub.clients.methods import POSITIONAL, _binder

OPERATIONS = sorted(
    (
        operation
        for client in (AuthClient, CoreClient, StorageClient)
        for operation in client._declared.values()  # type: ignore[attr-defined]
    ),
    key=lambda operation: operation.name,
)


def _inspected(parameters: list[inspect.Parameter], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    signature = inspect.Signature([inspect.Parameter("self", POSITIONAL), *parameters])
    try:
        bound = signature.bind(None, *args, **kwargs)
    except TypeError:
        return TypeError
    bound.apply_defaults()
    arguments = dict(bound.arguments)
    del arguments["self"]
    return arguments


def _calls(parameters: list[inspect.Parameter]) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Plain calls and every kind of wrong one: missing, doubled, unknown, too many arguments."""
    positional = [p.name for p in parameters if p.kind is POSITIONAL]
    keywords = [p.name for p in parameters if p.kind is not POSITIONAL]
    values = {name: f"value-of-{name}" for name in (*positional, *keywords)}
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
        ((), {}),
        (tuple(values[n] for n in positional), {}),
        ((), {n: values[n] for n in positional}),
        (tuple(values[n] for n in positional), {n: values[n] for n in keywords}),
        (tuple(values[n] for n in positional), {"no_such_argument": 1}),
        ((*(values[n] for n in positional), "one too many"), {}),
    ]
    if positional:
        calls.append(((values[positional[0]],), {positional[0]: "twice"}))
        calls.append(((), {n: values[n] for n in positional[1:]}))
    for name in keywords:
        calls.append((tuple(values[n] for n in positional), {name: values[name]}))
    return calls


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.name)
def test_the_fast_binding_is_inspect_s_binding(operation: Any) -> None:
    parameters = operation.parameters()
    bind = _binder(parameters)
    for args, kwargs in _calls(parameters):
        expected = _inspected(parameters, args, kwargs)
        got = bind(args, dict(kwargs))
        # every call inspect accepts is bound the fast way, to the same arguments; the rest is left to it
        assert got == (None if expected is TypeError else expected), (args, kwargs)


def test_wrong_calls_still_raise_python_s_type_errors() -> None:
    core = CoreClient("http://hub.test/core/")
    with pytest.raises(TypeError, match=r"find_nodes\(\) got an unexpected keyword argument 'filters'"):
        core.find_nodes(filters={})  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"get_node\(\) missing a required argument: 'node_id'"):
        core.get_node()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"get_node\(\) multiple values for argument 'node_id'"):
        core.get_node("a", node_id="b")  # type: ignore[misc]
    with pytest.raises(TypeError, match=r"find_nodes\(\) too many positional arguments"):
        core.find_nodes({})  # type: ignore[misc]
