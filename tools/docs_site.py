"""The docs site's build-time tooling: the API reference generated from the code, and repository links.

``mkdocs.yml`` loads this file twice: as an mkdocs hook module (``hooks:``) and as a griffe extension
of mkdocstrings (``SourceComments``). tests/docs/test_docs_build.py imports it too.

What it does:

* **The API reference follows the code.** A module is public when no part of its dotted path starts
  with ``_`` and it declares ``__all__``; its public names are its ``__all__``. Each public module gets a
  page ``reference/<module>.md``, and the nav entry ``reference/index.md`` becomes a section listing
  them all, so moving modules between folders moves their pages with no edit here. Each name is
  documented once, in the module that defines it when that module exports it, else in the shortest
  public module that does (how users import it); other modules exporting it link there.
* **Every public name is documented.** A name in ``__all__`` without a docstring (or a ``#:`` comment
  above an assignment), and a public method or property of a public class without one, is a build
  warning naming it, which ``mkdocs build --strict`` turns into a failure.
* **Links are written for the repository.** Pages link to each other and to published repository
  files (``extra.published`` in ``mkdocs.yml``, e.g. the README as the site's home page) by their
  repository-relative paths, so they read right on GitHub; the build maps each link to the site's page.
* **The service clients' methods are listed from the clients.** Where a page holds the marker
  ``CLIENT_METHODS`` (docs/service-clients.md), the build puts a table of every resource of each
  service client, with its record, its manager and its methods, each linked to its reference entry.
* **Docstrings are reStructuredText-flavoured**: ``:class:`X```-style roles become links to the
  referenced entry (or code when it has none), and ``#:`` comments above module and class assignments
  are docstrings (Sphinx's convention, used throughout the package).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import logging
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import griffe

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "flame_hub"
REFERENCE = "reference"
log = logging.getLogger("mkdocs.plugins.flame_hub_docs")


# -- the public API ---------------------------------------------------------------------------------
@dataclass
class PublicModule:
    """A module with ``__all__`` and no ``_``-prefixed part: its page and what it documents."""

    path: str
    summary: str
    names: list[str]
    #: name → the object's canonical (documented) path, for names documented on another page
    elsewhere: dict[str, str] = field(default_factory=dict)

    @property
    def page(self) -> str:
        return f"{REFERENCE}/{self.path}.md"


@dataclass
class PublicAPI:
    """The package's public modules, where each public object is documented, and what lacks a docstring."""

    modules: list[PublicModule]
    #: target path of each public object → the path of its reference entry
    entries: dict[str, str]
    undocumented: list[str]


def load_package(extensions: griffe.Extensions | None = None) -> griffe.Module:
    """The package as griffe sees it statically (stubs such as ``aio.pyi`` merged over their modules)."""
    loaded = griffe.load(
        PACKAGE,
        search_paths=[str(ROOT)],
        extensions=extensions or griffe.load_extensions(SourceComments),
        resolve_aliases=True,
        resolve_external=False,
    )
    assert isinstance(loaded, griffe.Module)
    return loaded


def _modules(module: griffe.Module) -> Iterator[griffe.Module]:
    yield module
    for member in module.members.values():
        if not member.is_alias and isinstance(member, griffe.Module):
            yield from _modules(member)


def _is_public_module(module: griffe.Module) -> bool:
    return module.exports is not None and not any(part.startswith("_") for part in module.path.split("."))


def _target(obj: griffe.Object | griffe.Alias) -> griffe.Object | griffe.Alias:
    try:
        return obj.final_target if isinstance(obj, griffe.Alias) else obj
    except griffe.AliasResolutionError:
        return obj


def public_api(package: griffe.Module) -> PublicAPI:
    """Every public module with its ``__all__``, each object's reference entry, and the undocumented."""
    modules = sorted((m for m in _modules(package) if _is_public_module(m)), key=lambda m: m.path)
    problems: list[str] = []
    exporters: dict[str, list[tuple[griffe.Module, str]]] = {}
    targets: dict[str, griffe.Object | griffe.Alias] = {}
    for module in modules:
        for name in [str(n) for n in module.exports or ()]:
            if name not in module.members:
                problems.append(f"{module.path}.__all__ names {name!r}, which the module does not define")
                continue
            target = _target(module.members[name])
            targets[target.path] = target
            exporters.setdefault(target.path, []).append((module, name))
    entries: dict[str, str] = {}
    for target_path, found in exporters.items():
        if isinstance(targets[target_path], griffe.Module):  # a submodule in __all__: its own page
            entries[target_path] = target_path
            continue
        home = target_path.rsplit(".", 1)[0]
        defining = [(m, n) for m, n in found if m.path == home]
        module, name = defining[0] if defining else min(found, key=lambda mn: (len(mn[0].path), mn[0].path))
        entries[target_path] = f"{module.path}.{name}"
    pages = []
    for module in modules:
        names, elsewhere = [], {}
        for name in [str(n) for n in module.exports or ()]:
            if name not in module.members:
                continue
            target = _target(module.members[name])
            entry = entries[target.path]
            if entry == f"{module.path}.{name}" and not isinstance(target, griffe.Module):
                names.append(name)
            else:
                elsewhere[name] = entry
        summary = (
            module.docstring.value.strip().split("\n\n")[0].replace("\n", " ") if module.docstring else ""
        )
        if not summary:
            problems.append(f"{module.path} (module) has no docstring")
        pages.append(PublicModule(module.path, summary, names, elsewhere))
    for target_path, entry in sorted(entries.items(), key=lambda item: item[1]):
        if not isinstance(targets[target_path], griffe.Module):  # a module's docstring is checked above
            problems.extend(_undocumented(targets[target_path], entry))
    return PublicAPI(pages, entries, problems)


def _undocumented(obj: griffe.Object | griffe.Alias, entry: str) -> Iterator[str]:
    if not obj.docstring:
        yield f"{entry} has no docstring"
    if isinstance(obj, griffe.Class):
        external = _external_members(obj)
        for name, member in obj.members.items():
            if name.startswith("_") or member.is_alias or name in external:
                continue
            is_property = "property" in member.labels
            if (member.is_function or is_property) and not member.docstring:
                kind = "property" if is_property else "method"
                yield f"{entry}.{name} ({kind}) has no docstring"


def _external_members(cls: griffe.Class) -> set[str]:
    """Names a class inherits from classes outside the package (``httpx.Auth.auth_flow`` …).

    An override of those is documented by the interface it implements, which the static view of the
    package cannot see, so the class is imported to ask its real bases.
    """
    try:
        runtime = getattr(importlib.import_module(cls.module.path), cls.name)
    except Exception:  # a class only a stub or a TYPE_CHECKING block declares: no external bases to ask
        return set()
    names: set[str] = set()
    for base in getattr(runtime, "__mro__", ())[1:]:
        if not base.__module__.startswith(PACKAGE + ".") and base is not object:
            names.update(vars(base))
    return names


def _inherit_docstrings(package: griffe.Module) -> None:
    """A member without a docstring takes the one of the member it overrides in a base class.

    This is how the async clients' methods, declared in the generated ``aio.pyi`` without docstrings,
    show their sync twins' documentation (Sphinx's ``autodoc_inherit_docstrings`` does the same).
    """
    for module in _modules(package):
        for obj in _objects(module):
            if not isinstance(obj, griffe.Class):
                continue
            try:
                bases = obj.mro()
            except Exception:  # an unresolvable base: nothing to inherit from it
                continue
            for name, member in obj.members.items():
                if member.is_alias or member.docstring:
                    continue
                for base in bases:
                    overridden = base.members.get(name)
                    if overridden is not None and _docstring(overridden):
                        member.docstring = griffe.Docstring(_docstring(overridden), parent=member)
                        break


def _docstring(obj: griffe.Object | griffe.Alias) -> str:
    try:
        return obj.docstring.value if obj.docstring else ""
    except griffe.AliasResolutionError:
        return ""


# -- the griffe extension ---------------------------------------------------------------------------
ROLE = re.compile(r":(?:py:)?(?:class|meth|attr|func|mod|data|exc|obj):`(~?)([^`<>]+)`")


class SourceComments(griffe.Extension):
    """``#:`` comments above assignments are their docstrings; reST roles become links or code."""

    def __init__(self) -> None:
        super().__init__()
        self._lines: dict[Path, list[str]] = {}

    def on_attribute_instance(self, *, node: Any, attr: griffe.Attribute, **kwargs: Any) -> None:
        if attr.docstring is not None or not isinstance(node, ast.AST) or attr.filepath is None:
            return
        path = Path(str(attr.filepath))
        lines = self._lines.get(path)
        if lines is None:
            lines = self._lines[path] = path.read_text(encoding="utf-8").splitlines()
        comment: list[str] = []
        number = (attr.lineno or 1) - 2
        while number >= 0 and lines[number].strip().startswith("#:"):
            comment.insert(0, lines[number].strip()[2:].strip())
            number -= 1
        if comment:
            attr.docstring = griffe.Docstring(" ".join(comment), lineno=number + 2, parent=attr)

    def on_class_members(self, *, cls: griffe.Class, **kwargs: Any) -> None:
        _adopt_overloads(cls)

    def on_module_members(self, *, mod: griffe.Module, **kwargs: Any) -> None:
        _adopt_overloads(mod)

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        if pkg.path != PACKAGE:
            return
        _inherit_docstrings(pkg)
        entries = public_api(pkg).entries
        documented = set(entries.values())
        for module in _modules(pkg):
            for obj in _objects(module):
                if obj.docstring and ":" in obj.docstring.value:
                    obj.docstring.value = ROLE.sub(
                        lambda m, o=obj: _role(o, m, entries, documented), obj.docstring.value
                    )


def _adopt_overloads(obj: griffe.Module | griffe.Class) -> None:
    """Overloads with no implementation after them (a stub declares only overloads) become a method.

    griffe keeps such overloads aside, waiting for the implementation a stub never has, so a
    stub-only ``find_nodes`` would be missing from the reference. The method shown has the first
    overload's signature and docstring and lists every overload, as for an implemented one.
    """
    for name, overloads in list(obj.overloads.items()):
        if not overloads or name in obj.members:
            continue
        first = overloads[0]
        function = griffe.Function(
            name,
            parameters=first.parameters,
            returns=first.returns,
            lineno=first.lineno,
            endlineno=overloads[-1].endlineno,
            docstring=first.docstring,
        )
        function.labels = set(first.labels)
        function.overloads = list(overloads)
        obj.set_member(name, function)
        del obj.overloads[name]


def _objects(obj: griffe.Object) -> Iterator[griffe.Object]:
    yield obj
    for member in obj.members.values():
        if not member.is_alias and not isinstance(member, griffe.Module):
            assert isinstance(member, griffe.Object)
            yield from _objects(member)


def _role(obj: griffe.Object, match: re.Match[str], entries: dict[str, str], documented: set[str]) -> str:
    """``:class:`Hub``` → ``[`Hub`][flame_hub.hub.Hub]`` when it has an entry, else ```Hub```."""
    short, name = match.group(1), match.group(2).strip()
    shown = name.rsplit(".", 1)[-1] if short else name
    head, _, rest = name.partition(".")
    try:
        resolved = (
            name if name.startswith(PACKAGE + ".") else obj.resolve(head) + (f".{rest}" if rest else "")
        )
    except Exception:
        return f"`{shown}`"
    entry = entries.get(resolved, resolved if resolved in documented else None)
    if entry is None:
        # a member of a documented class (``Hub.close``) is documented on its class' page
        owner, _, member = resolved.rpartition(".")
        owner_entry = entries.get(owner)
        entry = f"{owner_entry}.{member}" if owner_entry and not member.startswith("_") else None
    return f"[`{shown}`][{entry}]" if entry else f"`{shown}`"


# -- the mkdocs hooks -------------------------------------------------------------------------------
_api: PublicAPI | None = None


def on_config(config: Any) -> Any:
    """Load the API, report what is undocumented, and put a page per public module into the nav."""
    global _api
    _api = public_api(load_package())
    for problem in _api.undocumented:
        log.warning("undocumented public name: %s", problem)
    reference = [f"{REFERENCE}/index.md", *({m.path: m.page} for m in _api.modules)]
    if not _replace_nav_entry(config["nav"], f"{REFERENCE}/index.md", reference):
        log.warning(
            "mkdocs.yml's nav has no entry for %s/index.md: the API reference is not in the nav", REFERENCE
        )
    return config


def _replace_nav_entry(nav: list[Any], page: str, section: list[Any]) -> bool:
    for i, item in enumerate(nav):
        if isinstance(item, dict):
            ((title, value),) = item.items()
            if value == page:
                nav[i] = {title: section}
                return True
            if isinstance(value, list) and _replace_nav_entry(value, page, section):
                return True
    return False


def published(config: Any) -> dict[str, str]:
    """Repository files shown on the site: repository path → site path (``extra.published``)."""
    return dict(config["extra"].get("published", {}))


def on_files(files: Any, config: Any) -> Any:
    """Add the reference pages and the published repository files."""
    from mkdocs.structure.files import File

    assert _api is not None
    files.append(File.generated(config, f"{REFERENCE}/index.md", content=_index_page(_api)))
    for module in _api.modules:
        files.append(File.generated(config, module.page, content=_module_page(module)))
    for source, target in published(config).items():
        files.append(File.generated(config, target, abs_src_path=str(ROOT / source)))
    return files


def _index_page(api: PublicAPI) -> str:
    lines = [
        "# API reference",
        "",
        "Every public module of the package, with its public names (its `__all__`): their signatures and",
        "docstrings, generated from the code. The async clients' methods are shown from their type stubs,",
        "as the coroutines they are.",
        "",
        "| module | what it holds |",
        "|---|---|",
    ]
    lines += [f"| [`{m.path}`]({m.path}.md) | {m.summary.replace('|', '&#124;')} |" for m in api.modules]
    return "\n".join(lines) + "\n"


def _module_page(module: PublicModule) -> str:
    lines = [f"::: {module.path}", "    options:", "      show_root_heading: true", "      heading_level: 1"]
    members = ", ".join(f'"{name}"' for name in module.names)
    lines.append(f"      members: [{members}]")
    if module.elsewhere:
        lines += ["", "## Also exported here", "", "| name | documented as |", "|---|---|"]
        lines += [f"| `{name}` | [`{entry}`][{entry}] |" for name, entry in sorted(module.elsewhere.items())]
    return "\n".join(lines) + "\n"


# -- the service clients' methods, listed per resource -------------------------------------------------
#: Where docs/service-clients.md lists every resource and method of the service clients.
CLIENT_METHODS = "<!-- the service clients' resources and methods: generated by tools/docs_site.py -->"


#: The order a resource's methods are listed in, by their verbs.
VERBS = ("find", "get", "create", "update", "delete")


def _summary(obj: object) -> str:
    """The first paragraph of ``obj``'s docstring as one Markdown table cell."""
    text = " ".join((inspect.getdoc(obj) or "").split("\n\n")[0].split())
    text = re.sub(r"``([^`]+)``", r"`\1`", text).replace("|", "\\|")  # a table cell
    return ROLE.sub(lambda m: f"`{m.group(2).rsplit('.', 1)[-1] if m.group(1) else m.group(2)}`", text)


def _method_order(method: str, plural: str) -> tuple[int, bool, int, str]:
    """find, get, create, update, delete (others after), each verb's plain form first:
    ``get_nodes``, ``get_node``, ``get_node_client_credentials``."""
    verb = method.split("_", 1)[0]
    rank = VERBS.index(verb) if verb in VERBS else len(VERBS)
    return rank, method != f"{verb}_{plural}", method.count("_"), method


def client_methods(entries: dict[str, str]) -> str:
    """Every resource of each service client, with its manager and its methods; then the other methods.

    Made from the clients themselves at every build: the declared methods (``declare``) grouped by the
    resource they serve, the managers ``declare`` gives, and the hand-written methods with the first
    paragraph of their docstrings. Each name links to its reference entry.
    """
    from flame_hub.clients.base import BaseClient
    from flame_hub.clients.methods import ClientManager

    hub = importlib.import_module(PACKAGE)
    sections: list[str] = []
    for attribute, name in (("auth", "AuthClient"), ("core", "CoreClient"), ("storage", "StorageClient")):
        cls = getattr(hub, name)
        entry = entries[f"{cls.__module__}.{cls.__qualname__}"]

        def link(method: str, entry: str = entry) -> str:
            return f"[`{method}`][{entry}.{method}]"

        managers = {
            manager.model: plural
            for plural in dir(cls)
            if isinstance(manager := inspect_static(cls, plural), ClientManager)
        }
        declared: dict[type, list[str]] = {}
        for method, operation in cls._declared.items():
            declared.setdefault(operation.model, []).append(method)
        for model, methods in declared.items():
            plural = managers.get(model, "")
            methods.sort(key=lambda m, plural=plural: _method_order(m, plural))
        service = cls.service
        lines = [
            f"### `hub.{attribute}`: [`{name}`][{entry}]",
            "",
            "| resource | record | manager | methods |",
            "|---|---|---|---|",
        ]
        for model, methods in declared.items():
            model_entry = entries.get(f"{model.__module__}.{model.__qualname__}")
            record = f"[`{model.__name__}`][{model_entry}]" if model_entry else f"`{model.__name__}`"
            summary = _summary(model)
            manager = f"`hub.{attribute}.{managers[model]}`" if model in managers else ""
            lines.append(
                f"| `/{service}/{model.meta.path}` | {record}: {summary} | {manager} | "
                + ", ".join(link(m) for m in methods)
                + " |"
            )
        base = set(dir(BaseClient))
        others = [
            method
            for method in dir(cls)
            if not method.startswith("_")
            and method not in cls._declared
            and method not in base
            and not isinstance(inspect_static(cls, method), ClientManager)
        ]
        if others:
            lines += ["", "| method | what it does |", "|---|---|"]
            lines += [f"| {link(m)} | {_summary(getattr(cls, m))} |" for m in others]
        sections.append("\n".join(lines))
    return "\n\n".join(sections)


def inspect_static(cls: type, name: str) -> object:
    """The attribute as the class declares it (a descriptor, not what it gives)."""
    return inspect.getattr_static(cls, name, None)


LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Map repository-relative links to the site's pages (``../README.md#x`` → ``../index.md#x``), and
    put the generated list of the service clients' methods where a page asks for it."""
    if CLIENT_METHODS in markdown:
        assert _api is not None
        markdown = markdown.replace(CLIENT_METHODS, client_methods(_api.entries))
    docs_dir = Path(config["docs_dir"]).resolve().relative_to(ROOT).as_posix()
    by_source = {source: target for source, target in published(config).items()}
    inverse = {target: source for source, target in by_source.items()}
    here = inverse.get(page.file.src_uri, posixpath.join(docs_dir, page.file.src_uri))

    def repository_to_site(match: re.Match[str]) -> str:
        target = match.group("target")
        if re.match(r"^[a-z]+:|^#|^/", target):
            return match.group(0)
        path, hash_, anchor = target.partition("#")
        repository_path = posixpath.normpath(posixpath.join(posixpath.dirname(here), path))
        if repository_path in by_source:
            site_path = by_source[repository_path]
        elif repository_path.startswith(docs_dir + "/"):
            site_path = repository_path[len(docs_dir) + 1 :]
        else:
            return match.group(0)  # left for mkdocs to report
        relative = posixpath.relpath(site_path, posixpath.dirname(page.file.src_uri) or ".")
        return f"[{match.group('text')}]({relative}{hash_}{anchor})"

    return LINK.sub(repository_to_site, markdown)
