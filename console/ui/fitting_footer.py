"""The footer at any width: keys that do not fit whole are left out (from the right), never cut
mid-word behind the command palette's key; compact spacing below NARROW columns. `?` lists them all."""

from __future__ import annotations

from textual.widgets import Footer

NARROW = 120
TRIES = 10  # refreshes to wait for new keys to be laid out


class FittingFooter(Footer):
    """Textual's Footer, its overflowing keys hidden once laid out (after a resize, new bindings)."""

    DEFAULT_CSS = """
    FittingFooter.-compact FooterLabel { margin: 0 1 0 0; }
    """

    async def recompose(self) -> None:
        await super().recompose()
        self.call_after_refresh(self._fit, TRIES)

    def on_resize(self, event) -> None:
        self.compact = event.size.width < NARROW
        for child in self.children:
            child.display = True
        self.call_after_refresh(self._fit, TRIES)

    def _fit(self, tries: int) -> None:
        keys = [c for c in self.children if not c.has_class("-command-palette")]
        palette = [c for c in self.children if c.has_class("-command-palette")]
        if any(c.display and not c.region.width for c in keys):  # not laid out yet
            if tries:
                self.call_after_refresh(self._fit, tries - 1)
            return
        limit = palette[0].region.x if palette else self.region.right
        full = False
        for child in keys:
            full = full or child.region.right + child.styles.margin.right > limit
            child.display = not full
