"""A list screen's figures as a grid of label and value pairs, as many to a line as fit
whole, with the previous period's value and the change beside each when comparing."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from mediatop.tui.subject_data import ReportFigures, change_of
from mediatop.tui.view import Figure, lookup, value_text

MOST_PAIRS_PER_LINE = 3


def figures_grid(figures: ReportFigures, wanted: Sequence[Figure], width: int) -> Table:
    """The `wanted` figures of a report, in a grid no wider than `width` cells."""
    labels: list[str] = []
    values: list[Text] = []
    for figure in wanted:
        value = Text(value_text(lookup(figures.report, figure.key), figure.fmt))
        diff = change_of(figures, figure.key)
        if diff is not None:
            value.append(f" (was {value_text(diff['previous'], figure.fmt)}", style="dim")
            percent = diff.get("changePercent")
            value.append(f", {percent:+.1f}%)" if percent is not None else ")", style="dim")
        labels.append(figure.label)
        values.append(value)
    pairs = _pairs_that_fit(labels, values, width)
    grid = Table.grid(padding=(0, 1))
    for _ in range(pairs):
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(no_wrap=True)
    cells: list[Text | str] = [c for pair in zip(labels, values, strict=True) for c in pair]
    per_line = 2 * pairs
    for start in range(0, len(cells), per_line):
        line = cells[start : start + per_line]
        grid.add_row(*line, *([""] * (per_line - len(line))))
    return grid


def _pairs_that_fit(labels: list[str], values: list[Text], width: int) -> int:
    """How many label and value pairs a line holds with no cell cut: each column as wide
    as its widest cell, one space between cells."""
    for pairs in range(MOST_PAIRS_PER_LINE, 1, -1):
        columns = [
            max((len(label) for label in labels[at::pairs]), default=0) for at in range(pairs)
        ] + [max((value.cell_len for value in values[at::pairs]), default=0) for at in range(pairs)]
        if sum(columns) + 2 * pairs - 1 <= width:
            return pairs
    return 1
