"""Declared runtime dependencies: exactly what the package imports, plus named indirect needs."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

INDIRECT = {
    "psycopg": "the driver SQLAlchemy loads for postgresql:// URLs",
    "lxml-html-clean": "justext, trafilatura's extractor, imports it",
    "authlib": "st.login's single sign-on",
}
"""Declared but never imported by the package: what needs each one."""


def _name(requirement: str) -> str:
    """The normalised distribution name of a requirement ("Authlib>=1" -> "authlib")."""
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group()).lower()


def _imported_modules() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "workbench").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"workbench", "__future__"}


def test_every_runtime_dependency_is_imported_or_named_as_an_indirect_need() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_name(requirement) for requirement in project["dependencies"]}
    distributions = packages_distributions()
    imported = {
        _name(distribution)
        for module in _imported_modules()
        for distribution in distributions.get(module, [module])
    }
    assert imported - declared == set(), "imported by the package but not declared"
    assert declared - imported == set(INDIRECT), "declared but neither imported nor indirect"
