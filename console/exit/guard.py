"""Once the console starts to end (q, SIGTERM, SIGHUP, its terminal gone), the process is gone within
a second, whatever it is doing: an SSH disconnect never leaves a console spinning or stuck behind.

Three layers, each covering what the one before cannot:
  1. graceful: SIGTERM and SIGHUP ask the app to exit, and Textual restores the terminal;
  2. a watchdog thread: DEADLINE seconds after the end began, a process still running (a shutdown
     stalled, e.g. blocked writing to a terminal nobody reads) restores the terminal as best it can
     and leaves with os._exit;
  3. a watchdog process: while a `re` call runs on a huge line the interpreter is held, so no Python
     thread and no Python signal handler runs until it returns. faulthandler's C-level handler tells
     the watchdog process of SIGTERM and SIGHUP without the interpreter; the watchdog process also
     sees the terminal hang up itself. HARD_DEADLINE seconds later it kills the console (SIGKILL) and
     restores the terminal. It ends as soon as the console does (its pipe from the console closes).
Nothing here is started for the headless commands or in tests that drive the app in-process."""

from __future__ import annotations

import faulthandler
import json
import os
import signal
import subprocess
import sys
import threading
from typing import Callable, Optional

from console.exit import watchdog as exit_watchdog
from console.exit.watchdog import APP_MODE, RESTORED, attrs_to_json, restore_terminal

DEADLINE = 0.6  # seconds from the start of the end to os._exit
HARD_DEADLINE = 0.85  # seconds from SIGTERM/SIGHUP/hang-up to SIGKILL, when the interpreter is held
SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
WATCHDOG_NAME = "smtp-console-watchdog"  # in its command line, for ps and pgrep


def _tty_fd() -> Optional[int]:
    """The terminal Textual uses: it reads stdin and writes stderr."""
    for fd in (0, 2, 1):
        try:
            if os.isatty(fd):
                return fd
        except OSError:
            continue
    return None


class ExitGuard:
    def __init__(self, *, deadline: float = DEADLINE, hard_deadline: float = HARD_DEADLINE) -> None:
        self.deadline, self.hard_deadline = deadline, hard_deadline
        self.request_exit: Optional[Callable[[], None]] = None  # asks the app to exit; any thread
        self.code = 0
        self._begun = threading.Event()
        self._tty: Optional[int] = None  # our own copy of the terminal's descriptor
        self._attrs = None  # the terminal's modes before the app changed them
        self._restored = True
        self._alarm: Optional[int] = None  # write end of the pipe to the watchdog process
        self.watchdog: Optional[subprocess.Popen] = None
        self.started = False

    @property
    def begun(self) -> bool:
        return self._begun.is_set()

    # -- setting up ----------------------------------------------------------------------------
    def start(self) -> "ExitGuard":
        """Takes SIGTERM and SIGHUP over, for the whole process: call it from the main thread of the
        process whose terminal the app drives (not from a test driving the app in-process)."""
        if self.started or os.name != "posix":
            return self
        self.started = True
        fd = _tty_fd()
        if fd is not None:
            try:
                import termios
                self._attrs = termios.tcgetattr(fd)
            except Exception:  # not a terminal after all, or no termios
                self._attrs = None
            try:
                self._tty = os.dup(fd)
            except OSError:
                self._tty = None
        self._start_watchdog_process()
        threading.Thread(target=self._watch, name="exit-watchdog", daemon=True).start()
        for sig in SIGNALS:
            signal.signal(sig, self._on_signal)
            if self._alarm is not None:  # after signal.signal: the C handler then chains to ours
                try:
                    faulthandler.register(sig, file=self._alarm, all_threads=False, chain=True)
                except (RuntimeError, ValueError, OSError):  # pragma: no cover
                    pass
        return self

    def _start_watchdog_process(self) -> None:
        try:
            r, w = os.pipe()
        except OSError:  # pragma: no cover
            return
        os.set_blocking(w, False)  # a signal handler writes here: it must never wait
        keep = [r] + ([self._tty] if self._tty is not None else [])
        args = [sys.executable, "-I", "-S", exit_watchdog.__file__, WATCHDOG_NAME, str(os.getpid()), str(r),
                str(self._tty if self._tty is not None else -1), repr(self.hard_deadline),
                json.dumps(attrs_to_json(self._attrs))]
        try:
            self.watchdog = subprocess.Popen(args, pass_fds=keep, stdin=subprocess.DEVNULL,
                                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                             start_new_session=True)  # no terminal: no SIGHUP for it
        except (OSError, ValueError):
            os.close(w)
            return
        finally:
            os.close(r)
        self._alarm = w

    # -- what the app and the driver tell us ---------------------------------------------------
    def begin(self, code: int = 0) -> None:
        """The process is ending: it is gone within DEADLINE seconds from now, graceful or not."""
        # no lock: a signal handler may run this on a thread already inside it (twice is harmless)
        if not self.started or self._begun.is_set():
            return
        self.code = code
        self._begun.set()
        self._send(b"!")
        request = self.request_exit
        if request is not None:
            request()

    def terminal_gone(self) -> None:
        """A write to the terminal failed (EIO: it hung up): end now, there is nobody to show."""
        self._restored = True  # nothing to restore on a terminal that is gone
        self._send(RESTORED)
        self.begin(self.code)

    def app_mode(self, on: bool) -> None:
        """The app took the terminal over (raw, alternate screen) or gave it back, all written."""
        self._restored = not on
        self._send(APP_MODE if on else RESTORED)

    def _on_signal(self, signum, frame) -> None:
        self.begin(0)

    def _send(self, data: bytes) -> None:
        if self._alarm is not None:
            try:
                os.write(self._alarm, data)
            except OSError:
                pass

    # -- the watchdog thread -------------------------------------------------------------------
    def _watch(self) -> None:
        self._begun.wait()
        threading.Event().wait(self.deadline)  # nothing to wait for but the clock
        self.restore_terminal()
        os._exit(self.code)

    def restore_terminal(self) -> None:
        """Best effort and never blocking: the terminal may be gone, or not reading."""
        if not self._restored and self._tty is not None:
            restore_terminal(self._tty, self._attrs)
