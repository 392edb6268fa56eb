"""The package's layers: feature packages depend downward only (../shared/DESIGN.md, section 1).

The feature packages (diagram, gradients, checks, training, inside) may import the shared layer below them
(graph, gradient_dispatch, models, data, io, arguments, keras_internals and the small top-level helpers), never
one another; and nothing below them imports a feature package. Imports are read from the source (every
`import` and `from ... import`, at any depth, relative ones resolved), so a lazy import inside a function
counts too.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "resnet_widgets"
FEATURES = ("diagram", "gradients", "checks", "training", "inside")
# Sideways imports still to be removed (issue 19), each with its reason. The test fails when one disappears
# without leaving this table too, so the table says what is left.
KNOWN = {
    ("checks", "inside"): "checks/grad_cam.py checks a learner's Grad-CAM layer against inside's own "
                          "(activations_and_gradients): the reference lives in inside",
}


def unit_of(module):
    """'resnet_widgets.diagram.widget' -> 'diagram'; 'resnet_widgets.arguments' -> 'arguments'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def imported_modules(path, root=PACKAGE):
    """Every resnet_widgets module that `path` (a file under `root`, the package folder) imports, dotted."""
    package = ["resnet_widgets", *path.relative_to(root).parts[:-1]]  # what a relative import starts from
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("resnet_widgets")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                found |= {target} if node.module else {f"{target}.{alias.name}" for alias in node.names}
            elif node.module and node.module.startswith("resnet_widgets"):
                found.add(node.module)
                found |= {f"{node.module}.{alias.name}" for alias in node.names if node.module == "resnet_widgets"}
    return found


def sideways_imports():
    """{(importer unit, imported unit): [module paths]} for every import that breaks the layering."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        importer = unit_of(".".join(["resnet_widgets", *path.relative_to(PACKAGE).with_suffix("").parts]))
        if importer == "__init__":  # the package's own front door re-exports what it likes
            continue
        for module in imported_modules(path):
            imported = unit_of(module)
            if imported == importer or imported not in FEATURES:
                continue
            found.setdefault((importer, imported), []).append(str(path.relative_to(PACKAGE)))
    return found


def test_the_import_reader_sees_relative_lazy_and_absolute_imports(tmp_path):
    source = ("def f():\n    from ..diagram import ArchitectureDiagram\n"
              "import resnet_widgets.inside.grad_cam\nfrom . import compare\nimport numpy\n")
    fake = tmp_path / "resnet_widgets" / "gradients" / "explorer.py"
    fake.parent.mkdir(parents=True)
    fake.write_text(source)
    found = imported_modules(fake, root=tmp_path / "resnet_widgets")
    assert found == {"resnet_widgets.diagram", "resnet_widgets.inside.grad_cam", "resnet_widgets.gradients.compare"}
    assert [unit_of(m) for m in sorted(found)] == ["diagram", "gradients", "inside"]


def test_feature_packages_import_only_downward():
    found = sideways_imports()
    unexpected = {edge: paths for edge, paths in found.items() if edge not in KNOWN}
    assert not unexpected, "sideways or upward imports of a feature package: " + "; ".join(
        f"{a} -> {b} in {', '.join(paths)}" for (a, b), paths in sorted(unexpected.items())
    )


@pytest.mark.parametrize("edge", sorted(KNOWN), ids=lambda e: f"{e[0]}->{e[1]}")
def test_each_known_sideways_import_is_still_there(edge):
    # When one is removed, remove its row from KNOWN: the table must say what is left.
    assert edge in sideways_imports(), f"{edge[0]} no longer imports {edge[1]}: delete its row from KNOWN"
