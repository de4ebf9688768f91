"""The domain (everything in console/ except the console.ui package) never imports textual."""

from __future__ import annotations

import json
import subprocess
import sys

# Runs in a fresh interpreter. Modules are discovered without importing packages first
# (pkgutil.walk_packages would import console.ui to look inside it), so new modules and
# sub-packages are covered automatically.
SCRIPT = r"""
import importlib, json, pkgutil, sys
import console

def walk(path, prefix):
    for info in pkgutil.iter_modules(path):
        name = prefix + info.name
        if name == "console.ui" or name == "console.__main__":
            continue
        yield name
        if info.ispkg:
            sub = [p + "/" + info.name for p in path]
            yield from walk(sub, name + ".")

names = sorted(walk(console.__path__, "console."))
failed = {}
for name in names:
    try:
        importlib.import_module(name)
    except Exception as exc:  # reported, not hidden
        failed[name] = f"{type(exc).__name__}: {exc}"
print(json.dumps({
    "modules": names,
    "failed": failed,
    "textual": sorted(m for m in sys.modules if m == "textual" or m.startswith("textual.")),
    "ui": sorted(m for m in sys.modules if m == "console.ui" or m.startswith("console.ui.")),
}))
"""


def run_probe(repo_root, prelude: str = "") -> dict:
    proc = subprocess.run([sys.executable, "-c", prelude + SCRIPT], cwd=repo_root, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_no_domain_module_imports_textual(repo_root):
    result = run_probe(repo_root)
    assert result["failed"] == {}, f"domain modules that fail to import: {result['failed']}"
    assert result["textual"] == [], f"textual was imported by the domain: {result['textual']}"
    assert result["ui"] == []


def test_the_probe_really_sees_the_domain_modules(repo_root):
    modules = set(run_probe(repo_root)["modules"])
    expected = {"console.catalog.catalog", "console.catalog.loader", "console.cli", "console.decode.decoder",
                "console.decode.event", "console.tail.whole_files", "console.safe_text", "console.demo.simulator",
                "console.commands.stats", "console.catalog.template", "console.commands.printers"}
    assert expected <= modules
    assert not any(m == "console.ui" or m.startswith("console.ui.") for m in modules)


def test_the_probe_would_notice_textual(repo_root):
    """Control: the check is able to fail."""
    assert "textual" in run_probe(repo_root, prelude="import textual.app\n")["textual"]
