"""Ties the app and Textual's driver to the process's ExitGuard (console.exit.guard).

Textual writes the screen from a writer thread fed by a queue of 30 items. When the terminal hangs
up, each write fails with EIO: the writer thread died on the first one, the queue filled, and the
app's main thread blocked for ever putting output in it, shutdown included. Here the driver's output
file swallows that error, drops what follows (so the queue keeps draining) and ends the process."""

from __future__ import annotations

import asyncio
import signal
from typing import Callable

from console.exit.guard import ExitGuard


class _TerminalOut:
    """The driver's output file: the first failed write (EIO, a terminal that hung up) makes it a sink."""

    def __init__(self, file, gone: Callable[[], None]) -> None:
        self._file, self._gone = file, gone
        self.dead = False

    def write(self, text: str) -> int:
        if not self.dead:
            try:
                return self._file.write(text)
            except (OSError, ValueError):
                self._die()
        return len(text)

    def flush(self) -> None:
        if not self.dead:
            try:
                self._file.flush()
            except (OSError, ValueError):
                self._die()

    def _die(self) -> None:
        self.dead = True
        self._gone()

    def __getattr__(self, name: str):
        return getattr(self._file, name)


def guarded_driver(base: type, guard: ExitGuard) -> type:
    """Textual's driver class, telling the guard when it takes the terminal over, gives it back, or
    finds it gone."""

    class GuardedDriver(base):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            out = getattr(self, "_file", None)  # LinuxDriver's output (sys.__stderr__), for its writer thread
            if out is not None:
                self._file = _TerminalOut(out, guard.terminal_gone)

        def start_application_mode(self) -> None:
            if not guard.started:  # a real terminal, the process's own: guard it from now on
                guard.start()
            guard.app_mode(True)
            super().start_application_mode()

        def close(self) -> None:
            super().close()  # the writer thread has written everything, the restoring sequences too
            guard.app_mode(False)

    GuardedDriver.__name__ = f"Guarded{base.__name__}"
    return GuardedDriver


def guard_app(app, guard: ExitGuard) -> None:
    """SIGTERM and SIGHUP go to the guard, which asks the app to exit; the app's exit starts the
    guard's clock; a terminal that hangs up ends the app."""
    app.handle_signals = False
    app.exit_hook = guard.begin
    app.driver_class = guarded_driver(app.driver_class, guard)
    guard.request_exit = app.exit_soon


class ExitOnRequest:
    """The app's side of ending: SIGTERM and SIGHUP (when the app handles them itself), an exit asked
    for from a signal handler or another thread, and one asked for before the app could (it exits as
    soon as it is mounted). Mixed into the App; launch() sets exit_hook and handle_signals via
    guard_app()."""

    # launch() hands SIGTERM and SIGHUP to the process's ExitGuard and is told when the app starts
    # to exit; an app driven in-process (the tests) handles them itself
    handle_signals = True
    exit_hook: Callable[[], None] | None = None
    _exit_loop: asyncio.AbstractEventLoop | None = None
    _exit_pending = False

    def _listen_for_exit(self) -> None:
        """From on_mount: the loop exit_soon() hands over to, and the signals when they are ours."""
        loop = self._exit_loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGHUP) if self.handle_signals else ():
            try:
                loop.add_signal_handler(sig, self.exit, 0)
            except (NotImplementedError, RuntimeError, ValueError):
                pass

    def _exit_if_asked(self) -> None:
        """At the end of on_mount: an exit asked for (a signal, a lost terminal) before it could run."""
        if self._exit_pending:
            self.exit(0)

    def exit(self, result: int | None = None, return_code: int = 0, message=None) -> None:
        self._exit_pending = True
        if self.exit_hook is not None:
            self.exit_hook()
        super().exit(result, return_code, message)  # type: ignore[misc]

    def exit_soon(self) -> None:
        """Ask the app to exit, from a signal handler or any thread; before it runs: once it does."""
        if self._exit_pending:  # exiting already, or will as soon as it is mounted
            return
        self._exit_pending = True
        loop = self._exit_loop
        if loop is not None:
            try:
                loop.call_soon_threadsafe(self.exit, 0)
            except RuntimeError:  # the loop is closed: the app has ended already
                pass
