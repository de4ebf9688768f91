"""What `pip install .` ships: the installed command finds catalog/ and themes/ from any directory.

Runs only where smtp-console is installed (CI installs it non-editable in a fresh venv);
the environment is stripped of PYTHONPATH so the checkout cannot stand in for the package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SMTP_CONSOLE_DEBUG")}
    env["XDG_CONFIG_HOME"] = "/nonexistent-config"
    return env


def installed_console_dir(tmp_path) -> Path:
    out = subprocess.run([sys.executable, "-c", "import console, os; print(os.path.dirname(console.__file__))"],
                         cwd=tmp_path, env=clean_env(), capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        pytest.skip("smtp-console is not installed in this interpreter (run `pip install .`)")
    where = Path(out.stdout.strip())
    if REPO in where.parents:
        pytest.skip("smtp-console is installed editable, from this checkout")
    return where


@pytest.mark.smoke
def test_the_wheel_carries_catalog_and_themes(tmp_path):
    package = installed_console_dir(tmp_path)
    assert (package / "_data" / "catalog" / "mta_smtp.yaml").is_file()
    assert (package / "_data" / "catalog" / "layouts.yaml").is_file()
    assert (package / "_data" / "themes" / "dark.yaml").is_file()


@pytest.mark.smoke
def test_installed_command_runs_from_another_directory(tmp_path):
    installed_console_dir(tmp_path)
    command = shutil.which("smtp-console", path=str(Path(sys.executable).parent))
    if command is None:
        pytest.skip("no smtp-console script beside this interpreter")
    out = subprocess.run([command, "catalog", "102"], cwd=tmp_path, env=clean_env(),
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "MTA_SMTP-Connection" in out.stdout and "Caller's address" in out.stdout
    log = tmp_path / "mta-event.log"
    log.write_text("2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: connection from 192.0.2.10 (x)\n")
    out = subprocess.run([command, "decode", "--json", str(log)], cwd=tmp_path, env=clean_env(),
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and '"id": 102' in out.stdout
