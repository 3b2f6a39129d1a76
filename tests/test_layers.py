"""The package's stages import one way only: core <- read <- tables <- check <- publish,
and the use side (loader, diff, serve) imports nothing but core, as the module map in
the package docstring says.

Imports are read from the source with `ast`, function-level imports included (they run
too); imports under `if TYPE_CHECKING:` are type hints only and are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "policyframes"

def module_map() -> dict[str, str]:
    """Module -> stage, from the map in the package docstring."""
    import policyframes

    doc = policyframes.__doc__ or ""
    rows = doc.split("what it does\n", 1)[1].split("\n\n", 1)[0].splitlines()
    return {row.split()[1]: row.split()[0] for row in rows if row.strip()}


STAGE_OF = module_map()
ORDER = ["core", "read", "tables", "check", "publish"]  # each may import its own stage and those before it


def allowed(importer: str, imported: str) -> bool:
    a, b = STAGE_OF[importer], STAGE_OF[imported]
    if a == "cli":
        return True
    if a == "use":
        return b in ("core", "use")
    return b in ORDER and ORDER.index(b) <= ORDER.index(a)


def _type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def imports(source: str, level: int = 1) -> set[str]:
    """The package modules a module's source imports (relative imports of policyframes; in
    a subpackage, `level` is 2 and its modules' imports of each other are its own business)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node):
            return
        if isinstance(node, ast.ImportFrom) and node.level == level:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return found


def back_edges(sources: dict[str, str]) -> list[tuple[str, str]]:
    return sorted((module, imported) for module, source in sources.items()
                  for imported in imports(source, 2 if (PACKAGE / module).is_dir() else 1) if not allowed(module, imported))


def package_sources() -> dict[str, str]:
    """Module -> source; a subpackage is one module of the map, its files' sources together."""
    sources = {path.stem: path.read_text(encoding="utf-8") for path in PACKAGE.glob("*.py")}
    for init in PACKAGE.glob("*/__init__.py"):
        sources[init.parent.name] = "\n".join(path.read_text(encoding="utf-8") for path in sorted(init.parent.glob("*.py")))
    return sources


def test_every_module_has_a_stage() -> None:
    assert sorted(package_sources()) == sorted(STAGE_OF)
    assert set(STAGE_OF.values()) == {*ORDER, "use", "cli"}


def test_no_import_runs_back_up_the_stages() -> None:
    assert back_edges(package_sources()) == []


@pytest.mark.slow
@pytest.mark.parametrize("module, planted, imported", [
    ("codebook", "from .tables import assemble\n", "tables"),  # core reaching into tables
    ("annotations", "def f():\n    from .checks import check_tables\n", "checks"),  # read into check, in a function
    ("loader", "from .annotations import load_annotations\n", "annotations"),  # the use side into read
    ("site", "from ..loader import load\n", "loader"),  # a subpackage of publish into the use side
])
def test_a_planted_back_edge_is_found(module: str, planted: str, imported: str) -> None:
    sources = package_sources()
    sources[module] += "\n" + planted
    assert back_edges(sources) == [(module, imported)]


def test_type_only_imports_are_not_edges() -> None:
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .build import Validated\n"
    assert imports(source) == set()


def test_assembling_is_pure() -> None:
    """assemble() changes nothing in what it is given: twice gives the same tables."""
    from conftest import ROOT
    from policyframes.annotations import load_annotations
    from policyframes.tables import assemble

    ann = load_annotations(ROOT)
    first, second = assemble(ann), assemble(ann)
    assert first.as_dict().keys() == second.as_dict().keys()
    for name, table in first.as_dict().items():
        assert table.equals(second.as_dict()[name]), name
    assert len(first.cases) == len(ann.cases) == len(list((ROOT / "annotations" / "cases").glob("[!_]*.yaml")))
