"""From parsed options to a running console: paths, config, themes, the demo, the tailer."""

from __future__ import annotations

import sys

from console.catalog.catalog import Catalog
from console.commands.config import config_dir, default_logs
from console.commands.terminal import console_refusal
from console.errors import DataError
from console.tail.whole_files import DEFAULT_MAX_LINE
from console.model.events import DEFAULT_HISTORY, DEFAULT_HISTORY_BYTES
from console.themes_data import DEFAULT_THEME, load_themes, resolve_theme


def _site_theme_sources(args, config: dict) -> list[str]:
    sources = list(config.get("themes", [])) + list(args.themes or [])
    user_dir = config_dir() / "themes"
    if user_dir.is_dir():
        sources.insert(0, str(user_dir))
    return sources


def launch(args, config: dict, catalog: Catalog) -> int:
    from console.decode.decoder import Decoder
    from console.exit.guard import ExitGuard
    from console.tail.remote.choose import open_source, split_sources
    from console.ui.app import ConsoleApp
    from console.ui.exit_wiring import guard_app

    themes = load_themes(_site_theme_sources(args, config), catalog)
    theme = resolve_theme(themes, args.theme or config.get("theme") or DEFAULT_THEME).name
    history = args.history or config.get("history") or DEFAULT_HISTORY
    history_bytes = args.history_bytes or config.get("history_bytes") or DEFAULT_HISTORY_BYTES
    lines = args.lines if args.lines is not None else config.get("lines", 1000)
    max_line = args.max_line or config.get("max_line") or DEFAULT_MAX_LINE

    if not args.demo:
        paths = list(args.paths) or default_logs(config, "smtp-console /path/to/mta-event.log"
                                                         " or try smtp-console --demo")
        if "-" in paths:
            raise DataError("-: the console reads its keys from the terminal; for standard input use"
                            " `smtp-console decode --follow -`")
        split_sources(paths)  # host:PATH that cannot be used (SpecError) is said before the screen starts
    refusal = console_refusal(sys.stdout, stderr=sys.__stderr__)
    if refusal:  # after the options were checked: a mistake in them is said first
        raise DataError(refusal)
    demo, title = None, "smtp-console"
    if args.demo:
        from console.demo.writer import DemoWriter
        demo = DemoWriter(catalog).start()
        paths = [demo.glob]
        title = "smtp-console DEMO"

    decoder = Decoder(catalog)  # one for the app, whose sort key also merges backfill by time
    # batches at least 20 ms apart: at 200 lines/s a batch of ~4 lines, not ~2, costs half the CPU
    # (bench/terminal.py: 12.7 -> 8.0% of a core), and an alert still reaches the screen within
    # the latency goal (bench/live.py: p95 33 ms at 2,000 lines/s, goal 50)
    grace = args.rotate_grace if args.rotate_grace is not None else config.get("rotate_grace")
    extra = {} if grace is None else {"rotate_grace": grace}
    follower = open_source(paths, lines=lines, from_start=args.from_start, max_line=max_line,
                           sort_key=decoder.sort_key, min_interval=0.02, **extra)
    app = ConsoleApp(catalog=catalog, themes=themes, theme=theme, source=follower, history=history,
                     history_bytes=history_bytes, title=title, decoder=decoder,
                     notify=not getattr(args, "no_notify", False) and config.get("notify", True))
    # once the app has the terminal, q, SIGTERM, SIGHUP or a lost terminal end the process within a second
    guard = ExitGuard()
    guard_app(app, guard)
    try:
        app.run()
    finally:
        guard.begin()  # what is left (the demo, the reading threads) may not hold the process either
        if demo is not None:
            demo.stop()
    return app.return_code or 0
