"""The smtp-console command line: the live console and the headless decode, stats and catalog."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path

from console import __version__
from console.errors import DataError

PROG = "smtp-console"
SUBCOMMANDS = ("decode", "stats", "catalog")


class _Parser(argparse.ArgumentParser):
    """Bad usage is one line and exit 2, like every other bad input."""

    def error(self, message: str):  # noqa: D401
        sys.stderr.write(f"{self.prog}: {message} (see --help)\n")
        raise SystemExit(2)


def _at_least(low: int):
    """An argparse type: a whole number no smaller than `low`."""
    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
        if n < low:
            raise argparse.ArgumentTypeError(f"must be {low} or more, got {n}")
        return n
    return parse


_positive = _at_least(1)
_count = _at_least(0)


def _seconds(value: str) -> float:
    """An argparse type: a duration in seconds, 0 or more."""
    try:
        n = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {value!r}") from None
    if not (n >= 0 and n != float("inf")):
        raise argparse.ArgumentTypeError(f"must be 0 or more seconds, got {value}")
    return n


def _size(value: str) -> int:
    """An argparse type: a byte size such as 256M or 1G (console.commands.config.parse_size)."""
    from console.commands.config import parse_size
    try:
        return parse_size(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_catalog(p: argparse.ArgumentParser) -> None:
    p.add_argument("--catalog", metavar="DIR", action="append", default=None,
                   help="a folder of site catalogue/layout YAML files that add to or override the "
                        "shipped ones (repeatable)")


def _add_reading(p: argparse.ArgumentParser) -> None:
    p.add_argument("--max-line", type=_positive, default=None, metavar="BYTES",
                   help="cut longer lines at this many bytes (default 65536)")


def _add_following(p: argparse.ArgumentParser, *, for_console: bool) -> None:
    if for_console:
        lines_help = "start with the last N events of each log (default 1000; 0: only new ones)"
    else:
        lines_help = ("the last N events of the logs, like tail -n (with -f: then follow;"
                      " default with -f: 1000); filters apply to those: tail -n N | grep")
    p.add_argument("-n", "--lines", type=_count, default=None, metavar="N", help=lines_help)
    p.add_argument("--from-start", action="store_true", help="read whole files at start")
    p.add_argument("--rotate-grace", type=_seconds, default=None, metavar="SECONDS",
                   help="after a rotation, keep reading the old file this long after it last grew,"
                        " for a writer that has not reopened its log yet (default 300)")


def _add_filters(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("filters (the console's rules; all given must match)")
    g.add_argument("--severity", metavar="LEVEL", action="append", default=None,
                   help="only this severity (name or letter: error, E); LEVEL+ for it and every more"
                        " severe one (warning+); repeatable")
    g.add_argument("--event", metavar="NAME", action="append", default=None,
                   help="only this event (Connection, MTA_SMTP-Connection); repeatable")
    g.add_argument("--host", metavar="NAME",
                   help="only events whose host, or one of whose parameters (a caller's address), is NAME")
    g.add_argument("--since", metavar="TIME",
                   help="only events at or after TIME: HH:MM[:SS] (the latest such time), "
                        "YYYY-MM-DD HH:MM[:SS], or -30s/-15m/-2h/-1d before now; naive log times are local")
    g.add_argument("--until", metavar="TIME", help="only events before TIME (same forms)")
    g.add_argument("--grep", metavar="REGEX",
                   help="only lines matching REGEX, as the console's / filter: lower case matches any"
                        " case; a regex that could run for ever is matched as plain text")


def _query(args, catalog):
    """The filter options as a console.model.query.Query; a bad value is one line, exit 2."""
    from console.model.query import QueryError, build_query
    try:
        query = build_query(catalog, severity=args.severity or (), event=args.event or (),
                            host=args.host, since=args.since, until=args.until, grep=args.grep)
    except QueryError as exc:
        raise DataError(f"--{exc.option}: {exc}") from None
    if query.text is not None and query.text.note:
        from console.safe_text import visible
        sys.stderr.write(visible(f"{PROG}: --grep: {query.text.note}") + "\n")
    return query


def build_console_parser() -> argparse.ArgumentParser:
    from console.commands.config import DEFAULT_GLOB
    p = _Parser(
        prog=PROG,
        description="A live event console for Isode M-Switch SMTP event logs.",
        epilog="Headless commands: `smtp-console decode`, `smtp-console stats`, `smtp-console catalog`"
               " (each has --help). With no PATH the console follows " + DEFAULT_GLOB + ". The console"
               " needs a terminal; into a file or a pipe, use `smtp-console decode` (-n N, -f).",
    )
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="log files or quoted globs to follow; - for standard input")
    p.add_argument("--demo", action="store_true",
                   help="start a built-in M-Switch simulator and watch its log")
    _add_following(p, for_console=True)
    p.add_argument("--history", type=_positive, default=None, metavar="N",
                   help="events held in memory, oldest dropped first (default 100000)")
    p.add_argument("--history-bytes", type=_size, default=None, metavar="SIZE",
                   help="memory the held events may take, oldest dropped first: 256M (default), 1G, or bytes")
    p.add_argument("--theme", metavar="NAME", default=None,
                   help="smtp-dark (default), smtp-light, smtp-high-contrast, smtp-colour-blind, or a site theme")
    p.add_argument("--themes", metavar="PATH", action="append", default=None,
                   help="a site theme YAML file or folder (repeatable)")
    p.add_argument("--no-notify", action="store_true",
                   help="no transient notification for critical/fatal events (the alert line stays)")
    _add_catalog(p)
    _add_reading(p)
    p.add_argument("--config", metavar="FILE", type=Path, default=None,
                   help="config file (default $XDG_CONFIG_HOME/smtp-console/config.yaml)")
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return p


def build_sub_parser(name: str) -> argparse.ArgumentParser:
    if name == "decode":
        from console.commands.config import DEFAULT_GLOB
        p = _Parser(prog=f"{PROG} decode", description="Print each event of the logs, decoded, one per line.",
                    epilog="With no PATH, the logs the console reads: the config's paths, else " + DEFAULT_GLOB
                           + ". Line numbers are absolute, as grep -n counts them.")
        p.add_argument("paths", nargs="*", metavar="PATH",
                       help="log files or quoted globs; - for standard input (default: the console's logs)")
        p.add_argument("--json", action="store_true", help="JSON lines instead of text")
        p.add_argument("-f", "--follow", action="store_true",
                       help="keep following the logs as they grow (like tail -F); Ctrl-C stops")
        _add_following(p, for_console=False)
        _add_filters(p)
        _add_catalog(p)
        _add_reading(p)
    elif name == "stats":
        from console.commands.grouped import BY
        p = _Parser(prog=f"{PROG} stats", description="Count events by severity and event name.",
                    epilog="Plain counts read at full speed; --by and the filters count most lines"
                           " without decoding them, --grep decodes the lines it matches. Compressed"
                           " and rotated files are read as they are.")
        p.add_argument("paths", nargs="+", metavar="PATH",
                       help="log files (rotated and gzip/bzip2/xz ones too); - for standard input")
        p.add_argument("--json", action="store_true", help="one JSON document")
        p.add_argument("--by", choices=BY, default=None,
                       help="a table by this key, problems first: the most severe, then the most frequent"
                            " (caller: the caller's address; minute, hour: local time, in time order)")
        p.add_argument("--top", type=_count, default=20, metavar="N",
                       help="with --by: the first N rows (default 20; 0: all)")
        _add_filters(p)
        _add_catalog(p)
        _add_reading(p)
    else:
        p = _Parser(prog=f"{PROG} catalog", description="Show the event catalogue, or one entry in full.")
        p.add_argument("entry", nargs="?", metavar="NAME_OR_ID",
                       help="an event name (Connection, MTA_SMTP-Connection, I-MTA_SMTP-Connection) or ID")
        p.add_argument("--json", action="store_true", help="JSON instead of text")
        _add_catalog(p)
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _tolerant_output()
    try:
        if argv and argv[0] in SUBCOMMANDS:
            args = build_sub_parser(argv[0]).parse_args(_time_values_joined(argv[1:]))
            return {"decode": cmd_decode, "stats": cmd_stats, "catalog": cmd_catalog}[argv[0]](args)
        return cmd_console(build_console_parser().parse_args(argv))
    except DataError as exc:
        sys.stderr.write(f"{PROG}: {_one_line(exc)}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _quiet_broken_pipe()
        return 0
    except SystemExit:
        raise
    except Exception as exc:  # the last guard: never a traceback for a user
        if os.environ.get("SMTP_CONSOLE_DEBUG"):
            raise
        sys.stderr.write(f"{PROG}: internal error: {type(exc).__name__}: {_one_line(exc)}"
                         " (set SMTP_CONSOLE_DEBUG=1 for details)\n")
        return 1


def _time_values_joined(argv: list[str]) -> list[str]:
    """`--since -1h`: argparse takes a value starting with "-" for an option; passed as --since=-1h."""
    import re
    out: list[str] = []
    i = 0
    while i < len(argv):
        if argv[i] == "--":
            return out + argv[i:]
        if (argv[i] in ("--since", "--until") and i + 1 < len(argv)
                and re.match(r"-\s*\d+\s*[A-Za-z]\s*\Z", argv[i + 1])):
            out.append(f"{argv[i]}={argv[i + 1]}")
            i += 2
            continue
        out.append(argv[i])
        i += 1
    return out


def _one_line(exc: Exception) -> str:
    """Errors quote file names and YAML text: a newline, escape or bidi character in them stays inert."""
    from console.safe_text import visible
    return visible(str(exc))


def _tolerant_output() -> None:
    """A terminal or pipe that is not UTF-8 (an ISO-8859 locale) gets escapes, never a crash."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError, OSError):
            pass


def _quiet_broken_pipe() -> None:
    """`smtp-console decode log | head` closes the pipe: leave silently."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


def _catalog(args, config: dict | None = None):
    from console.catalog.loader import load_catalog
    dirs = list((config or {}).get("catalog", [])) + list(args.catalog or [])
    return load_catalog(dirs)


def _expand_paths(paths: list[str]) -> list[str]:
    """decode and stats take paths and quoted globs. A path that exists is that path, whatever its
    characters (`mta-event[1].log`); otherwise a glob is expanded to its regular files in name
    order, as the shell would."""
    import glob
    out: list[str] = []
    for path in paths:
        if path == "-" or os.path.lexists(path) or not glob.has_magic(path):
            out.append(path)
            continue
        found = sorted(p for p in glob.glob(path) if os.path.isfile(p))
        if not found:
            raise DataError(f"{path}: no such file, and no file matches it as a glob")
        out += found
    return out


def _check_readable(paths: list[str]) -> None:
    from console.tail.compressed import CompressedFileError, open_decompressed
    from console.tail.whole_files import PROBE, looks_binary
    for path in paths:
        if path == "-":
            continue
        if not os.path.exists(path):
            raise DataError(f"{path}: no such file")
        if os.path.isdir(path):
            raise DataError(f"{path}: is a directory, not a log file")
        if not os.path.isfile(path):
            raise DataError(f"{path}: not a regular file")
        try:
            with open_decompressed(path) as stream:   # a compressed format that cannot be read is named here
                head = stream.read(PROBE)
        except CompressedFileError as exc:
            raise DataError(str(exc)) from None
        except OSError as exc:
            raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from None
        if looks_binary(head):  # as grep says "binary file matches": not pages of escaped bytes
            raise DataError(f"{path}: not a text log (binary data)")


def _report_damage(reader) -> bool:
    """A compressed file read only up to damaged or truncated data: one line on standard error
    after the lines that could be read (as zcat does). True if there was damage."""
    if reader.damage is None:
        return False
    _report_problems([str(reader.damage)])
    return True


def _printer(args, stream):
    from console.commands.printers import EventPrinter, use_colour
    colours = None
    if not args.json and use_colour(stream):
        from console.themes_data import DEFAULT_THEME, load_themes
        theme = load_themes().get(DEFAULT_THEME)
        if theme:
            colours = {name: st.color for name, st in theme.severities.items()}
    return EventPrinter(stream, as_json=args.json, colours=colours)


def cmd_decode(args) -> int:
    from console.decode.decoder import Decoder
    from console.tail.whole_files import DEFAULT_MAX_LINE

    catalog = _catalog(args)
    decoder = Decoder(catalog)
    max_line = args.max_line or DEFAULT_MAX_LINE
    printer = _printer(args, sys.stdout)
    query = _query(args, catalog)
    if not query.empty:    # the filters apply to the lines read (after -n: `tail -n N | grep`)
        printer = _FilteredPrinter(printer, query.matches)
    if not args.paths:
        from console.commands.config import default_logs, load_config
        args.paths = default_logs(load_config(), "smtp-console decode /path/to/mta-event.log")
    local, remote = _split_remote(args.paths)
    if args.follow:
        return _decode_follow(args, decoder, printer, max_line)
    if args.from_start:
        raise DataError("--from-start goes with --follow")
    paths = _expand_paths(local)
    _check_readable(paths)
    if remote:  # logs on other hosts are read by a follower there (console.tail.remote)
        args.paths = paths + remote
        return _decode_follow(args, decoder, printer, max_line, history_only=args.lines is not None,
                              once=args.lines is None)
    if args.lines is not None and not _whole_files_only(paths):
        return _decode_follow(args, decoder, printer, max_line, history_only=True)
    status = _decode_whole(paths, decoder, printer, max_line, args.lines)
    sys.stdout.flush()
    return status


class _FilteredPrinter:
    """An EventPrinter that writes only the events the filters keep."""

    def __init__(self, printer, keep) -> None:
        self.printer = printer
        self.keep = keep

    def write(self, events) -> None:
        self.printer.write(ev for ev in events if self.keep(ev))


def _whole_files_only(paths: list[str]) -> bool:
    """Standard input and compressed files are read whole (their last lines are only known at
    their end); plain logs have their last lines found from the end (a 1 GB log costs a second)."""
    from console.tail.identity import looks_compressed
    return any(p == "-" or looks_compressed(p) for p in paths)


def _decode_whole(paths: list[str], decoder, printer, max_line: int, last: int | None) -> int:
    """Every line of every file in turn; last: only the last N lines of them all (tail -n)."""
    from collections import deque

    from console.tail.compressed import CompressedFileError, decompress_stream, open_decompressed
    from console.tail.whole_files import iter_lines
    status = 0
    tail: deque = deque(maxlen=last or 0)
    for path in paths:
        try:
            stream = decompress_stream(sys.stdin.buffer, "-") if path == "-" else open_decompressed(path)
        except CompressedFileError as exc:
            raise DataError(str(exc)) from None
        try:
            if last is not None:
                tail.extend((path, lineno, data, cut) for lineno, data, cut in iter_lines(stream, max_line))
                continue
            batch = []
            for lineno, data, cut in iter_lines(stream, max_line):
                batch.append(decoder.decode(data, path, lineno, cut=cut))
                if len(batch) >= 2000:
                    printer.write(batch)
                    batch.clear()
            printer.write(batch)
        finally:
            stream.close()   # for "-", standard input itself stays open
        if _report_damage(stream):
            status = 2
    if tail:
        printer.write(decoder.decode(data, path, lineno, cut=cut) for path, lineno, data, cut in tail)
    return status


def _split_remote(paths: list[str]) -> tuple[list[str], list[str]]:
    """The local paths, and those that name a log on another host (`host:PATH`, `ssh://host/PATH`)."""
    from console.tail.remote.spec import parse_remote
    local, remote = [], []
    for path in paths:  # one that cannot be used raises SpecError, a DataError
        (remote if parse_remote(path) is not None else local).append(path)
    return local, remote


def _decode_follow(args, decoder, printer, max_line: int, *, history_only: bool = False, once: bool = False) -> int:
    import asyncio

    from console.decode.pipeline import BatchDecoder
    from console.tail.headless import follow_print

    # only whole lines: a last line shown early (partial) is printed once, when its rest completes it
    decoding = BatchDecoder(decoder, whole_lines_only=True)

    def emit_lines(lines) -> None:
        printer.write(decoding.events(lines))
        sys.stdout.flush()

    last_states: dict = {}

    def emit_state(state) -> None:
        from console.safe_text import visible
        last_states[state.path] = state.state
        if (history_only or once) and state.state in ("following", "rotated", "connecting"):
            return  # the last lines asked for, and trouble: not the reading going well
        detail = f": {state.detail}" if state.detail else ""
        sys.stderr.write(visible(f"{PROG}: {state.path}: {state.state}{detail}") + "\n")
        sys.stderr.flush()

    def emit_uncounted(source: str) -> None:
        from console.safe_text import visible
        sys.stderr.write(visible(f"{PROG}: {source}: could not count the lines before the history:"
                                 " its line numbers count from the first line shown") + "\n")

    lines = 1000 if args.lines is None else args.lines

    async def run() -> None:
        await _unless_reader_goes(  # `decode --follow LOG | head -5` ends with head, not at the next write
            follow_print(args.paths, lines=lines, from_start=args.from_start, max_line=max_line,
                         emit_lines=emit_lines, emit_state=emit_state, sort_key=decoder.sort_key,
                         rotate_grace=args.rotate_grace, history_only=history_only,
                         emit_uncounted=emit_uncounted, once=once))

    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops a follow as quietly as Ctrl-C
    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        return 0
    from console.tail.contract import CONNECTING, REMOTE_STATES
    failed = set(REMOTE_STATES) - {CONNECTING}  # a host that could not be read: said on stderr, and the exit
    return 2 if (history_only or once) and set(last_states.values()) & failed else 0


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


async def _unless_reader_goes(coro) -> None:
    """Runs coro to its end, or until the reader of standard output, a pipe, goes away (`| head -5`
    has its lines): then coro is cancelled and this returns quietly, as the broken pipe of a write
    would, but without waiting for a line to write. A tty or a file cannot be watched: there this
    is `await coro`."""
    import asyncio
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(coro)
    gone = []

    def on_gone() -> None:
        gone.append(True)
        task.cancel()

    fd = _watch_pipe_reader(loop, on_gone)
    try:
        await task
    except asyncio.CancelledError:
        if not gone:
            raise
    finally:
        if fd is not None:
            loop.remove_reader(fd)
    if gone:
        _quiet_broken_pipe()


def _watch_pipe_reader(loop, on_gone):
    """Calls on_gone() when the read end of the pipe on standard output is closed, without writing:
    epoll reports EPOLLERR on a pipe's write end then, and asyncio hands that to a reader callback.
    Returns the fd watched, or None where standard output is no pipe or cannot be watched."""
    import stat
    try:
        fd = sys.stdout.fileno()
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            return None
        if _pipe_reader_gone(fd) is None:
            return None    # no poll() to confirm with: do not guess
    except (AttributeError, ValueError, OSError):
        return None

    def ready() -> None:
        loop.remove_reader(fd)  # either way, once: a pipe end that reads as ready but is not gone
        if _pipe_reader_gone(fd):   # (opened read-write) is not watched any longer
            on_gone()

    try:
        loop.add_reader(fd, ready)
    except (OSError, ValueError, NotImplementedError, RuntimeError):
        return None
    return fd


def _pipe_reader_gone(fd: int):
    """True if the pipe on fd has no reader any more, False if it has, None if poll() cannot tell."""
    import select
    try:
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        return any(ev & (select.POLLERR | select.POLLHUP) for _, ev in poller.poll(0))
    except (AttributeError, OSError, ValueError):
        return None


def cmd_stats(args) -> int:
    from console.tail.whole_files import DEFAULT_MAX_LINE
    from console.commands.stats import Counts, count_files, count_stream, summarise

    catalog = _catalog(args)
    query = _query(args, catalog)
    local, remote = _split_remote(args.paths)
    paths = _expand_paths(local)
    _check_readable(paths)
    max_line = args.max_line or DEFAULT_MAX_LINE
    if args.by or not query.empty:
        return _stats_by(args, catalog, query, paths, remote, max_line)
    files = [p for p in paths if p != "-"]
    counts = count_files(files, catalog, max_line=max_line) if files else Counts()
    if "-" in paths:
        counts.add(count_stream(sys.stdin.buffer, catalog, max_line=max_line))
    if remote:  # read whole by a follower on each host (console.tail.remote)
        counts.problems += _count_remote(remote, counts, catalog, max_line)
    summary = summarise(counts, catalog)
    _report_problems(counts.problems)   # first: a reader that stops early (| head) still sees it
    return _print_stats(args, summary, counts.problems, filtered=False)


def _stats_by(args, catalog, query, paths: list[str], remote: list[str], max_line: int) -> int:
    """Filtered counts or a --by table (console.commands.grouped): every line by the decoder's rules,
    a remote log's lines with its host where they name none (as the console shows them)."""
    from console.commands.grouped import Tally, tally_files, tally_remote, tally_stream
    from console.commands.tables import by_table, filtered_summary, format_table

    by = args.by or "event"
    files = [p for p in paths if p != "-"]
    tally = tally_files(files, catalog, by=by, query=query, max_line=max_line) if files else Tally()
    if "-" in paths:
        tally.add(tally_stream(sys.stdin.buffer, catalog, by=by, query=query, max_line=max_line))
    if remote:  # read whole by a follower on each host (console.tail.remote), tallied host by host
        from console.tail.remote.pipe import remote_blocks
        blocks, states = remote_blocks(remote, max_line=max_line)
        with blocks:
            tally.add(tally_remote(blocks, catalog, by=by, query=query, max_line=max_line))
        tally.problems += _remote_failures(states)
    _report_problems(tally.problems)
    if not args.by:
        return _print_stats(args, filtered_summary(tally, catalog), tally.problems, filtered=True)
    table = by_table(tally, catalog, by, args.top)
    print(json.dumps(table, indent=2, ensure_ascii=True) if args.json else format_table(table))
    return 2 if tally.problems else 0


def _print_stats(args, summary: dict, problems: list, *, filtered: bool) -> int:
    from console.commands.tables import format_summary
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=True))
    else:
        print(format_summary(summary, filtered))
    return 2 if problems else 0


def _count_remote(remote: list[str], counts, catalog, max_line: int) -> list[str]:
    """Adds the remote logs' lines to counts; returns a problem for each host that could not be read."""
    from console.commands.stats import count_stream
    from console.tail.remote.pipe import remote_stream
    stream, states = remote_stream(remote, max_line=max_line)
    with stream:
        counts.add(count_stream(stream, catalog, max_line=max_line))
    return _remote_failures(states)


def _remote_failures(states: dict) -> list[str]:
    """A problem for each remote log whose host could not be read (its last state says why)."""
    from console.tail.contract import CONNECTING, REMOTE_STATES
    failed = set(REMOTE_STATES) - {CONNECTING}
    return [f"{st.path}: {st.state}: {st.detail}" for st in states.values() if st.state in failed]


def _report_problems(problems: list[str]) -> None:
    """Damaged compressed data, read up to the damage: one line each."""
    from console.safe_text import visible
    sys.stdout.flush()
    for problem in problems:
        sys.stderr.write(visible(f"{PROG}: {problem}") + "\n")
    sys.stderr.flush()


def cmd_catalog(args) -> int:
    from console.commands.printers import format_entry, format_table

    catalog = _catalog(args)
    if args.entry is None:
        if args.json:
            print(json.dumps([_entry_json(e, catalog) for e in catalog.events.values()], indent=2))
        else:
            print(format_table(catalog))
        return 0
    found = catalog.find(args.entry)
    if not found:
        raise DataError(f"catalog: no event named or numbered {args.entry!r}"
                        " (run `smtp-console catalog` for the list)")
    if args.json:
        print(json.dumps([_entry_json(e, catalog) for e in found], indent=2))
    else:
        print("\n\n".join(format_entry(e, catalog) for e in found))
    return 0


def _entry_json(ev, catalog) -> dict:
    return {"facility": ev.facility, "name": ev.name, "id": ev.id, "severity": ev.severity,
            "letter": catalog.severity(ev.severity).letter, "description": ev.description,
            "action": ev.action, "parameters": list(ev.parameters),
            "templates": [t.text for t in ev.templates], "release": ev.release}


def cmd_console(args) -> int:
    from console.commands.config import load_config

    config = load_config(args.config)
    catalog = _catalog(args, config)
    try:
        from console.ui.launch import launch
    except ImportError:
        sys.stderr.write(f"{PROG}: the live console is not built yet; use `{PROG} decode`\n")
        return 1
    return launch(args, config, catalog)
