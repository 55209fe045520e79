"""Outside text as plain, visible text, and the number formats of the face.

Every string that came from outside (file names, titles, user agents, referrers,
error messages quoting them) reaches the screen through `plain` or `plain_path`: control
and bidi characters are made visible and the result is a `Text`, which Textual never
parses as markup. A file named `[@click=app.quit]x.jpg` is drawn as exactly that.
"""

from __future__ import annotations

from rich.text import Text

from mediatop.textsafe import visible, visible_path

UNKNOWN = "unknown"


def plain(text: str, style: str = "") -> Text:
    """Outside text, shown literally with control characters made visible."""
    return Text(visible(text), style=style, no_wrap=True, overflow="ellipsis")


def plain_path(raw: bytes | str, style: str = "") -> Text:
    """A stored path (bytes, maybe not UTF-8), shown literally and losslessly."""
    return Text(visible_path(raw), style=style, no_wrap=True, overflow="ellipsis")


def cut_in_the_middle(text: Text, width: int) -> Text:
    """`text` no wider than `width` cells, cut in the middle when it is wider: the start
    of a path's folders and the end of its name (`2025/11/black…-1024x410.jpg`), which is
    where similar names differ, both stay. A table would cut the end."""
    if text.cell_len <= width or width < 8:
        return text
    tail = (width - 1) * 3 // 5  # the name's end says more than the folders' middle
    head = width - 1 - tail
    plain_text = text.plain
    cut = Text(plain_text[:head] + "…" + plain_text[-tail:], style=text.style)
    cut.no_wrap, cut.overflow = True, "ellipsis"
    return cut if cut.cell_len <= width else text  # wide characters: the table cuts it


def wrapped(text: Text) -> Text:
    """`text` allowed to wrap over several lines (plain() keeps names on one line)."""
    text.no_wrap = False
    text.overflow = "fold"
    return text


def size_text(size: int | None) -> str:
    """Bytes for a person: '1.2 MB' (decimal units, as the quota is given)."""
    if size is None:
        return UNKNOWN
    if size < 1000:
        return f"{size} B"  # humanize says "856 Bytes", wider than the other sizes
    import humanize

    return humanize.naturalsize(size, format="%.1f")


def count_text(count: int) -> str:
    return f"{count:,}"


def percent_text(value: float | None) -> str:
    """A percentage with one decimal, or 'unknown' when the store cannot tell."""
    return UNKNOWN if value is None else f"{value:.1f}%"


def duration_text(seconds: float | None) -> str:
    """'1:02:03' or '4:05' for media lengths."""
    if seconds is None:
        return UNKNOWN
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def ms_text(ms: float | None) -> str:
    """A load time: milliseconds below one second, else seconds with one decimal."""
    if ms is None:
        return UNKNOWN
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def usage_bar(fraction: float | None, width: int) -> Text:
    """A bar `width` cells wide, filled to `fraction` (0–1); grey when the quota is unknown.

    Coloured by how full it is so a nearly full quota stands out at a glance.
    """
    if fraction is None:
        return Text("░" * width, style="dim")
    clamped = min(max(fraction, 0.0), 1.0)
    filled = round(clamped * width)
    if fraction > 0 and filled == 0:
        filled = 1  # something is stored: never draw an empty bar
    style = "green" if clamped < 0.7 else "yellow" if clamped < 0.9 else "bold red"
    return Text.assemble(("█" * filled, style), ("░" * (width - filled), "dim"))
