"""The package's shape stays as DESIGN.md describes it: small modules, no import cycle, no private name imported across modules."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "refernlp"
MAX_LINES = 500


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join(base + ([node.module] if node.module else []))


def _imports(module: str, path: Path) -> list[tuple[str, str | None, int]]:
    """(imported module, imported name or None, line) for every import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, None, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, node, is_package)
            out += [(target, a.name, node.lineno) for a in node.names]
    return out


def _top_level_only(path: Path) -> set[int]:
    """Lines of imports executed at import time (not inside functions or TYPE_CHECKING blocks)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = set()

    def visit(body):
        for node in body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                lines.add(node.lineno)
            elif isinstance(node, ast.If) and not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)

    visit(tree.body)
    return lines


def test_no_module_is_over_the_line_limit():
    long = {m: n for m, p in _modules().items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_no_private_name_is_imported_across_modules():
    found = []
    for root in (PACKAGE, ROOT / "scripts", ROOT / "tests"):
        for path in sorted(root.rglob("*.py")):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            for target, name, line in _imports(module, path):
                private_name = name is not None and name.startswith("_") and not name.startswith("__")
                private_module = any(part.startswith("_") and not part.startswith("__") for part in target.split(".")) and target.split(".")[-1] != "_version"
                if target.startswith("refernlp") and (private_name or private_module):
                    found.append(f"{path.relative_to(ROOT)}:{line} imports {name or target} from {target}")
    assert found == []


def test_there_is_no_import_cycle():
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        eager = _top_level_only(path)
        for target, name, line in _imports(module, path):
            if line not in eager or not target.startswith("refernlp"):
                continue
            for cand in (f"{target}.{name}" if name else None, target):
                if cand in modules and cand != module:
                    graph[module].add(cand)
                    break
    # a package importing its own submodules is how packages work; a submodule importing its package back is the cycle
    for module in graph:
        graph[module] = {t for t in graph[module] if not t.startswith(module + ".")}
    cycles = []
    state: dict[str, int] = {}

    def dfs(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]) if nxt in stack else f"{node} -> {nxt}")
            elif nxt not in state:
                dfs(nxt, stack + [nxt])
        state[node] = 2

    for m in sorted(graph):
        if m not in state:
            dfs(m, [m])
    assert cycles == []


def test_the_checks_above_can_fail(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from refernlp.rewrite import _secret\n", encoding="utf-8")
    assert _imports("tests.bad", bad) == [("refernlp.rewrite", "_secret", 1)]
