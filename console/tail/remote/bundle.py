"""What is streamed to the remote python3: a one-line bootstrap on the command line that reads a
loader from standard input; the loader reads console.tail as a zip (kept in memory, imported from
there: nothing is written on the host) and the follower's settings, then runs the agent."""

from __future__ import annotations

import functools
import io
import json
import os
import shlex
import zipfile

import console

BOOTSTRAP = "import sys;b=sys.stdin.buffer;exec(b.read(int(b.readline())))"
MIN_PYTHON = (3, 7)

# The loader: plain enough for any python3 to say that it is too old instead of failing to parse.
LOADER = r'''
import sys, io, json, zipfile, importlib.abc, importlib.util
def _say(obj):
    data = json.dumps(obj).encode("utf-8")
    sys.stdout.buffer.write(str(len(data)).encode("ascii") + b"\n" + data)
    sys.stdout.buffer.flush()
if sys.version_info < %(min)r:
    _say({"t": "old", "py": "%%d.%%d.%%d" %% tuple(sys.version_info[:3])})
    sys.exit(3)
_in = sys.stdin.buffer
_zip = zipfile.ZipFile(io.BytesIO(_in.read(int(_in.readline()))))
_names = set(_zip.namelist())
_config = json.loads(_in.read(int(_in.readline())).decode("utf-8"))
class _FromZip(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path=None, target=None):
        base = name.replace(".", "/")
        for file, package in ((base + "/__init__.py", True), (base + ".py", False)):
            if file in _names:
                return importlib.util.spec_from_loader(name, self, origin="smtp-console:" + file, is_package=package)
        return None
    def create_module(self, spec):
        return None
    def exec_module(self, module):
        file = module.__spec__.origin.split(":", 1)[1]
        exec(compile(_zip.read(file), module.__spec__.origin, "exec"), module.__dict__)
sys.meta_path.insert(0, _FromZip())
from console.tail.remote.agent import main
main(_config, _in, sys.stdout.buffer)
''' % {"min": MIN_PYTHON}


def _package_root() -> str:
    return os.path.dirname(os.path.abspath(console.__file__))


@functools.lru_cache(maxsize=1)
def bundle() -> bytes:
    """console/__init__, compat, errors and console/tail (with a stand-in for aiofiles), zipped."""
    root = _package_root()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for rel in ("__init__.py", "compat.py", "errors.py"):
            z.write(os.path.join(root, rel), "console/" + rel)
        tail = os.path.join(root, "tail")
        for dirpath, dirnames, filenames in os.walk(tail):
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            for name in sorted(filenames):
                if name.endswith(".py"):
                    path = os.path.join(dirpath, name)
                    z.write(path, "console/" + os.path.relpath(path, root).replace(os.sep, "/"))
        z.writestr("aiofiles/__init__.py", "")
        z.write(os.path.join(tail, "remote", "aiofiles_shim.py"), "aiofiles/threadpool.py")
    return buf.getvalue()


def remote_command(python: str = "python3") -> str:
    """The command line the remote shell runs."""
    return f"{shlex.quote(python)} -c {shlex.quote(BOOTSTRAP)}"


def _sized(data: bytes) -> bytes:
    return str(len(data)).encode("ascii") + b"\n" + data


def first_input(config: dict) -> bytes:
    """Everything written to the remote python3's standard input, in one go."""
    return _sized(LOADER.encode("utf-8")) + _sized(bundle()) + _sized(json.dumps(config).encode("utf-8"))
