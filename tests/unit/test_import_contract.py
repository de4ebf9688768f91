"""The import contract in pyproject.toml ([tool.importlinter], checked by lint-imports): only console.ui
imports textual and rich, nothing imports console.ui but the command line that starts it, and
console.tail imports neither the model nor the UI. Read from the source, lazy imports included;
test_domain_has_no_textual.py checks the same by importing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# import-linter 2.17 (older ones stop at the wildcard contract) needs Python 3.11; the import graph it
# reads from the source is the same whatever Python runs the tests.
pytestmark = pytest.mark.skipif(sys.version_info < (3, 11), reason="import-linter 2.17 needs Python 3.11+")

LINT = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def lint_imports(repo: Path) -> subprocess.CompletedProcess:
    """lint-imports on the checkout at `repo` (never on an installed copy), writing no cache."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(repo), *filter(None, [os.environ.get("PYTHONPATH")])])}
    return subprocess.run([sys.executable, "-c", LINT, "--config", str(repo / "pyproject.toml"), "--no-cache"],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=120)


def test_the_import_contract_is_kept(repo_root):
    result = lint_imports(repo_root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


@pytest.mark.parametrize("module,line,contract", [
    ("decode/event.py", "import rich.text", "Only console.ui imports textual and rich"),
    ("commands/stats.py", "from textual.app import App", "Only console.ui imports textual and rich"),
    ("tail/cursor.py", "from textual import work", "Only console.ui imports textual and rich"),
    ("commands/printers.py", "from console.ui.detail_panel import describe",
     "Nothing outside console.ui imports it, but the command line that starts it"),
    ("tail/splitter.py", "from console.model.events import EventModel",
     "console.tail delivers raw lines: it imports neither the model nor the UI"),
    ("decode/event.py", "from console.model.events import EventModel",
     "The way of a line: every import points down the layers"),
    ("catalog/template.py", "from console.tail.splitter import LineSplitter",
     "The way of a line: every import points down the layers"),
])
def test_the_contract_would_notice(tmp_path, repo_root, module, line, contract):
    """Control: a copy of the package with one import too many breaks the contract that forbids it."""
    shutil.copytree(repo_root / "console", tmp_path / "console", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(repo_root / "pyproject.toml", tmp_path)
    target = tmp_path / "console" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n\ndef _late():\n    {line}\n", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{contract} BROKEN" in result.stdout
