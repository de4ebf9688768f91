"""Where the console writes a screenshot: where a server has room and the operator will look."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping, Optional


def screenshot_dir(cwd: Optional[str] = None, env: Optional[Mapping[str, str]] = None) -> Path:
    """The current directory when it can be written to, else $XDG_STATE_HOME/smtp-console
    (~/.local/state/smtp-console), made if missing. Never a ~/Downloads a server does not have."""
    env = os.environ if env is None else env
    here = Path(cwd or os.getcwd())
    if os.access(here, os.W_OK | os.X_OK):
        return here
    base = env.get("XDG_STATE_HOME") or str(Path(env.get("HOME") or Path.home()) / ".local" / "state")
    folder = Path(base) / "smtp-console"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
