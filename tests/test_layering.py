"""The package's layers: feature packages depend downward only (../shared/DESIGN.md, section 1).

The feature packages (diagram, gradients, checks, training, inside) may import the shared layer below them
(graph, gradient_dispatch, layer_gradients, models, data, io, arguments, keras_internals and the small top-level
helpers), never one another; and nothing below them imports a feature package. Above the whole library sits the
course's own support, `resnet_lab`: it imports the library, and the library never imports it. Imports are read from the source (every
`import` and `from ... import`, at any depth, relative ones resolved), so a lazy import inside a function
counts too.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "resnet_widgets"
FEATURES = ("diagram", "gradients", "checks", "training", "inside")


def unit_of(module):
    """'resnet_widgets.diagram.widget' -> 'diagram'; 'resnet_widgets.arguments' -> 'arguments'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def imported_modules(path, root=PACKAGE, top="resnet_widgets"):
    """Every module of the package `top` that `path` (a file under `root`, the library's folder) imports, dotted."""
    package = ["resnet_widgets", *path.relative_to(root).parts[:-1]]  # what a relative import starts from
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                found |= {target} if node.module else {f"{target}.{alias.name}" for alias in node.names}
            elif node.module:
                found.add(node.module)
                found |= {f"{node.module}.{alias.name}" for alias in node.names if node.module == top}
    return {module for module in found if module.split(".")[0] == top}


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
    assert not found, "sideways or upward imports of a feature package: " + "; ".join(
        f"{a} -> {b} in {', '.join(paths)}" for (a, b), paths in sorted(found.items())
    )


def course_support_imports(root=PACKAGE):
    """{module path: [resnet_lab modules]} for every import of the course's support inside the library."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        hits = sorted(imported_modules(path, root=root, top="resnet_lab"))
        if hits:
            found[str(path.relative_to(root))] = hits
    return found


def test_the_course_support_reader_sees_lazy_imports(tmp_path):
    (tmp_path / "x.py").write_text("def f():\n    from resnet_lab.mode import course_mode\nimport resnet_widgets.io\n")
    assert course_support_imports(tmp_path) == {"x.py": ["resnet_lab.mode"]}


def test_the_library_never_imports_the_course_support():
    # resnet_lab sits above the library: a `pip install resnet-widgets` user never needs the course's code.
    assert course_support_imports() == {}


def test_the_course_support_lives_beside_the_library_and_uses_it():
    course_support = PACKAGE.parent / "resnet_lab"
    modules = {path.stem for path in course_support.glob("*.py")} - {"__init__"}
    assert modules == {"mode", "environment", "lab_inputs", "pretraining", "photos"}
    for name in modules:
        assert not (PACKAGE / f"{name}.py").exists() and not list(PACKAGE.rglob(f"{name}.py")), name
