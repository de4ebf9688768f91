"""The smtp-console watchdog process, run by console.exit.guard as `python -I -S THIS_FILE ...`
(standard library only, nothing imported from the console: it must start fast and alone).

argv: a name (smtp-console-watchdog), the console's pid, the read end of its alarm pipe, the terminal's fd (-1: none), the deadline
in seconds, and the terminal's modes before the console changed them (JSON, or null).
On the pipe: APP_MODE, the console took the terminal over; RESTORED, it gave it back; anything else
(a faulthandler dump written by its C-level SIGTERM/SIGHUP handler, or a byte) means it is ending.
`deadline` seconds after that, or after the terminal hangs up, a console still running is killed
(SIGKILL: it may be held in a `re` call that no signal handler interrupts) and the terminal restored.
The pipe closing means the console is gone, and the watchdog leaves too."""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import time

APP_MODE, RESTORED = b"\x02", b"\x01"
# what the console switched on in the terminal, switched off: kitty keys, alternate screen, cursor,
# focus events, mouse, bracketed paste, line wrap, in-band resize. \x18 first: cancels a cut sequence
RESET = ("\x18\x1b[<u\x1b[?1049l\x1b[?25h\x1b[?1004l\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l"
         "\x1b[?1016l\x1b[?2004l\x1b[?7h\x1b[?2048l")


def attrs_to_json(attrs):
    """termios modes as JSON (their control characters are bytes, or numbers in raw mode)."""
    if attrs is None:
        return None
    *flags, cc = attrs
    return [flags, [[1, c[0]] if isinstance(c, bytes) else [0, c] for c in cc]]


def attrs_from_json(data):
    if data is None:
        return None
    flags, cc = data
    return list(flags) + [[bytes([v]) if is_bytes else v for is_bytes, v in cc]]


def restore_terminal(tty: int, attrs) -> None:
    """Best effort and never blocking: the terminal may be gone, or not reading."""
    try:
        fd = os.open(os.ttyname(tty), os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError:
        fd = None
    if fd is not None:
        try:
            os.write(fd, RESET.encode())
        except OSError:
            pass
        finally:
            os.close(fd)
    if attrs is not None:
        try:
            import termios
            termios.tcsetattr(tty, termios.TCSANOW, attrs)
        except Exception:
            pass


class _Watch:
    def __init__(self, pid: int, alarm: int, tty: int, deadline: float, attrs) -> None:
        self.pid, self.alarm, self.tty, self.deadline, self.attrs = pid, alarm, tty, deadline, attrs
        self.ending = None  # monotonic time the end began
        self.restored, self.hung = True, False
        os.set_blocking(alarm, False)
        self.poller = select.poll()
        self.poller.register(alarm, select.POLLIN)
        if tty >= 0:
            self.poller.register(tty, 0)  # no event asked for: only a hang-up (or an error) wakes us

    def read_alarm(self) -> None:
        try:
            data = os.read(self.alarm, 65536)
        except BlockingIOError:
            return
        if not data:
            sys.exit(0)  # the console is gone
        on, off = data.rfind(APP_MODE), data.rfind(RESTORED)
        if on != off:
            self.restored = off > on
        if self.ending is None and data.replace(APP_MODE, b"").replace(RESTORED, b""):
            self.ending = time.monotonic()

    def hang_up(self) -> None:
        self.poller.unregister(self.tty)
        self.hung = True
        try:
            os.kill(self.pid, signal.SIGHUP)  # in case the kernel did not tell it (not its terminal)
        except OSError:
            pass
        if self.ending is None:
            self.ending = time.monotonic()

    def run(self) -> None:
        while True:
            timeout = None
            if self.ending is not None:
                left = self.ending + self.deadline - time.monotonic()
                if left <= 0:
                    break
                timeout = left * 1000
            for fd, _events in self.poller.poll(timeout):
                if fd == self.alarm:
                    self.read_alarm()
                else:
                    self.hang_up()
        self.read_alarm()  # unless its pipe has just closed, the console is held: end it
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            return
        if self.tty >= 0 and not self.hung:
            self.poller.unregister(self.tty)
        end = time.monotonic() + 2
        while time.monotonic() < end:  # until it is really gone: its end of the pipe closes with it
            self.poller.poll(max(0.0, end - time.monotonic()) * 1000)
            try:
                if not os.read(self.alarm, 65536):
                    break
            except BlockingIOError:
                continue
        if self.tty >= 0 and not self.hung and not self.restored:
            restore_terminal(self.tty, self.attrs)


def main(argv: list[str]) -> None:
    argv = argv[1:]  # the first is a name for ps and pgrep
    for name in ("SIGHUP", "SIGINT", "SIGQUIT", "SIGTSTP", "SIGTTIN", "SIGTTOU"):
        signal.signal(getattr(signal, name), signal.SIG_IGN)
    pid, alarm, tty, deadline = int(argv[0]), int(argv[1]), int(argv[2]), float(argv[3])
    _Watch(pid, alarm, tty, deadline, attrs_from_json(json.loads(argv[4]))).run()


if __name__ == "__main__":
    main(sys.argv[1:])
