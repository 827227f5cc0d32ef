"""The core stays platform-neutral: nothing below the adapters imports a platform library."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PLATFORM_LIBRARIES = {"slack_bolt", "slack_sdk", "discord"}
CORE_PACKAGES = ["handlers", "knowledge", "scheduler", "storage"]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", CORE_PACKAGES)
def test_core_packages_import_no_platform_library(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_modules(path) & PLATFORM_LIBRARIES)
        for path in (ROOT / package).rglob("*.py")
        if _imported_modules(path) & PLATFORM_LIBRARIES
    }
    assert offenders == {}


def test_the_core_does_not_import_the_adapters() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for package in CORE_PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "bot" in _imported_modules(path)
    ]
    assert offenders == []
