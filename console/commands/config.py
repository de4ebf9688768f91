"""Options from the YAML config file in the XDG config directory; command-line flags win."""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

from console.errors import DataError
from console.catalog.yamlfile import check_keys, expect_int, expect_list, expect_mapping, expect_str, load_yaml

DEFAULT_GLOB = "/var/isode/log/mta-event*.log"  # followed when neither the command line nor the config names a log
CONFIG_KEYS = {"paths", "theme", "history", "history_bytes", "catalog", "themes", "lines", "max_line",
               "rotate_grace", "notify"}
MIN_HISTORY_BYTES = 1 << 20
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?", re.IGNORECASE)
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def parse_size(text: str | int) -> int:
    """`256M`, `1G`, `1.5GiB`, `300MB`, `268435456` (bytes): K, M, G, T are powers of 1024 whether
    written K, KB or KiB. ValueError, in words, for anything else or less than 1 MiB."""
    if isinstance(text, bool) or not isinstance(text, (int, str)):
        raise ValueError("expected a size like 256M, 1G or a number of bytes")
    m = _SIZE.fullmatch(str(text).strip())
    if m is None:
        raise ValueError(f"expected a size like 256M, 1G or a number of bytes, got {str(text)!r}")
    size = int(Decimal(m.group(1)) * _UNITS[m.group(2).lower()])
    if size < MIN_HISTORY_BYTES:
        raise ValueError(f"must be at least 1M, got {str(text)!r}")
    return size


def config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "smtp-console"


def default_config_path() -> Path:
    return config_dir() / "config.yaml"


def load_config(path: Path | None = None) -> dict:
    """An absent default file is no error; an absent file named with --config is."""
    explicit = path is not None
    path = path or default_config_path()
    if not path.exists():
        if explicit:
            raise DataError(f"{path}: config file does not exist")
        return {}
    data = load_yaml(path)
    if data is None:
        return {}
    doc = expect_mapping(data, str(path))
    check_keys(doc, CONFIG_KEYS, set(), str(path))
    out: dict = {}
    for key in ("paths", "catalog", "themes"):
        if key in doc:
            items = doc[key]
            if isinstance(items, str):
                items = [items]
            out[key] = [os.path.expanduser(expect_str(x, f"{path}: {key}", allow_empty=False))
                        for x in expect_list(items, f"{path}: {key}")]
    if "theme" in doc:
        out["theme"] = expect_str(doc["theme"], f"{path}: theme", allow_empty=False)
    if "history_bytes" in doc:
        try:
            out["history_bytes"] = parse_size(doc["history_bytes"])
        except ValueError as exc:
            raise DataError(f"{path}: history_bytes: {exc}") from None
    if "rotate_grace" in doc:
        value = doc["rotate_grace"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < float("inf"):
            raise DataError(f"{path}: rotate_grace: expected a number of seconds, 0 or more")
        out["rotate_grace"] = float(value)
    if "notify" in doc:
        if not isinstance(doc["notify"], bool):
            raise DataError(f"{path}: notify: expected true or false")
        out["notify"] = doc["notify"]
    for key in ("history", "lines", "max_line"):
        if key in doc:
            value = expect_int(doc[key], f"{path}: {key}")
            if value < (1 if key != "lines" else 0):
                raise DataError(f"{path}: {key}: must be {'positive' if key != 'lines' else '0 or more'}")
            out[key] = value
    return out


def default_logs(config: dict, usage: str) -> list[str]:
    """The logs read when the command line names none, by the console and `decode` alike: the
    config's `paths`, else DEFAULT_GLOB. DataError, saying `usage`, when that glob matches nothing."""
    import glob
    paths = list(config.get("paths", []))
    if paths:
        return paths
    if not glob.glob(DEFAULT_GLOB):
        raise DataError(f"no event log at {DEFAULT_GLOB}: give one ({usage})")
    return [DEFAULT_GLOB]
