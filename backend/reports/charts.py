"""Charts for the report documents: matplotlib on the Agg canvas, PNG bytes out, the same bytes for the same data.

Figures are built with `matplotlib.figure.Figure` (not pyplot), and one chart is drawn at a time: the
scheduler renders in the background while the web app serves requests, and matplotlib's font caches are not
meant for concurrent use (drawing holds the GIL anyway, so the lock costs nothing). Amounts become floats
here and only here: a chart is a picture of the figures, the figures themselves stay Decimal.
"""
from __future__ import annotations

import functools
import io
import threading
from collections.abc import Sequence
from decimal import Decimal

PALETTE = ("#1f4e79", "#8faadc", "#c9c9c9", "#f4b183", "#c55a11", "#70ad47")
AGING_COLOURS = ("#70ad47", "#ffd966", "#f4b183", "#e46c0a", "#c00000")
WIDTH_IN, HEIGHT_IN, DPI = 7.2, 3.0, 110
STYLE = {"font.family": "DejaVu Sans", "font.size": 8, "axes.titlesize": 9.5, "axes.titleweight": "bold",
         "axes.spines.top": False, "axes.spines.right": False, "axes.edgecolor": "#888888", "axes.grid": True,
         "grid.color": "#e6e6e6", "grid.linewidth": 0.6, "axes.axisbelow": True, "legend.frameon": False,
         "legend.fontsize": 7.5, "svg.hashsalt": "tandem", "path.simplify": True}
MAX_LABEL = 26
_DRAWING = threading.Lock()


def _one_at_a_time(draw):
    @functools.wraps(draw)
    def locked(*args, **kwargs):
        with _DRAWING:
            return draw(*args, **kwargs)
    return locked


def _short(label: str) -> str:
    label = str(label)
    return label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1] + "…"


def _amount_axis(value: float, _position: object = None) -> str:
    """Tick labels: 1.2B, 350M, 12K — the axis shows scale, the tables show the figures."""
    size = abs(value)
    for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if size >= threshold:
            text = f"{value / threshold:.1f}".rstrip("0").rstrip(".")
            return f"{text}{suffix}"
    return f"{value:,.0f}"


def _figure(height: float = HEIGHT_IN, *, left: float = 0.09, bottom: float = 0.2):
    """Fixed margins rather than a tight bounding box: measuring every label first would draw the figure twice."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.subplots_adjust(left=left, right=0.98, top=1 - 0.32 / height, bottom=bottom)
    return figure


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    # No "Software"/date metadata: identical data gives identical bytes.
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _numbers(values: Sequence[Decimal | int | None]) -> list[float]:
    return [float(v) if v is not None else 0.0 for v in values]


@_one_at_a_time
def bar_chart(title: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[Decimal | int | None]]],
              *, horizontal: bool = False, amounts: bool = True, stacked: bool = False,
              colours: Sequence[str] = PALETTE) -> bytes:
    """Grouped (or stacked) bars: one group per category, one bar per series."""
    from matplotlib import rc_context
    from matplotlib.ticker import FuncFormatter

    with rc_context(STYLE):
        height = max(HEIGHT_IN, 0.28 * len(categories) + 0.9) if horizontal else HEIGHT_IN
        rotated = not horizontal and len(categories) > 5
        figure = _figure(height, left=0.3 if horizontal else 0.09,
                         bottom=(0.36 / height if horizontal else 0.4 if rotated else 0.14))
        axes = figure.add_subplot()
        labels = [_short(c) for c in categories]
        positions = list(range(len(labels)))
        count = len(series)
        width = 0.8 if stacked or count == 1 else 0.8 / count
        base = [0.0] * len(labels)
        for index, (name, values) in enumerate(series):
            numbers = _numbers(values)
            offset = 0.0 if stacked or count == 1 else (index - (count - 1) / 2) * width
            where = [p + offset for p in positions]
            colour = colours[index % len(colours)]
            if horizontal:
                axes.barh(where, numbers, height=width, left=base if stacked else None, label=name, color=colour)
            else:
                axes.bar(where, numbers, width=width, bottom=base if stacked else None, label=name, color=colour)
            if stacked:
                base = [b + n for b, n in zip(base, numbers)]
        formatter = FuncFormatter(_amount_axis if amounts else (lambda v, _p=None: f"{v:,.0f}"))
        if horizontal:
            axes.set_yticks(positions, labels)
            axes.invert_yaxis()
            axes.xaxis.set_major_formatter(formatter)
            axes.grid(axis="y", visible=False)
        else:
            axes.set_xticks(positions, labels, rotation=30 if rotated else 0, ha="right" if rotated else "center")
            axes.yaxis.set_major_formatter(formatter)
            axes.grid(axis="x", visible=False)
        axes.set_title(title, loc="left")
        if count > 1:
            axes.legend(loc="best")
        return _png(figure)


@_one_at_a_time
def line_chart(title: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[Decimal | int | None]]],
               *, amounts: bool = True) -> bytes:
    """One line per series over ordered categories (days, weeks, months)."""
    from matplotlib import rc_context
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    with rc_context(STYLE):
        figure = _figure(bottom=0.3)
        axes = figure.add_subplot()
        positions = list(range(len(categories)))
        for index, (name, values) in enumerate(series):
            axes.plot(positions, _numbers(values), label=name, color=PALETTE[index % len(PALETTE)], linewidth=1.6,
                      marker="o" if len(positions) <= 16 else None, markersize=3)
        step = max(1, len(categories) // 12)
        axes.set_xticks(positions[::step], [str(c) for c in categories][::step], rotation=30, ha="right")
        axes.xaxis.set_minor_locator(MaxNLocator(integer=True))
        axes.yaxis.set_major_formatter(FuncFormatter(_amount_axis if amounts else (lambda v, _p=None: f"{v:,.0f}")))
        axes.set_ylim(bottom=0)
        axes.set_title(title, loc="left")
        if len(series) > 1:
            axes.legend(loc="best")
        return _png(figure)
