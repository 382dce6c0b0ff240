"""Charts as images for Word outputs: the same chart specs the pages draw, as PNG pictures.

A report context may hold, anywhere, a dict with a ``chart`` key: a spec such as
``{"type": "line", "labels": [...], "datasets": [{"label": ..., "data": [...]}, {"label":
"Meta", "data": [...], "kind": "target"}]}`` (what ``static/charts.js`` draws on the page
with Chart.js). The renderer gives that dict a ``chart_image`` (an inline picture, or ""
without a chart), so the template prints ``{{ s.chart_image }}``.

Drawn with matplotlib (Agg, no display) as the page draws them: lines with their target
as a dashed line, bars (grouped, stacked or horizontal, the target a dashed line across),
doughnuts. Knows no domain: labels and numbers only. matplotlib is imported on first use,
so a process that never renders a chart does not pay for it.
"""
from __future__ import annotations

import io
import threading

#: The page's palette (Bootstrap's colours, as ``static/charts.js`` uses them).
COLOURS = ("#0d6efd", "#d63384", "#198754", "#fd7e14", "#6f42c1", "#20c997")
TONES = {"success": "#198754", "warning": "#ffc107", "danger": "#dc3545", "secondary": "#6c757d",
         "primary": "#0d6efd", "info": "#0dcaf0", "dark": "#212529"}
TARGET_COLOUR = "#dc3545"
#: Inches at 150 dpi: 16 cm wide in the report.
WIDTH_IN, DPI = 6.3, 150
# pyplot keeps global state: one figure at a time per process (threaded workers).
_LOCK = threading.Lock()


def _values(data) -> list[float | None]:
    return [float(v) if isinstance(v, (int, float)) else None for v in data or []]


def _spanish(value: float, _pos=None) -> str:
    text = f"{value:,.1f}" if not float(value).is_integer() else f"{int(value):,}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def _has_data(spec: dict) -> bool:
    return any(v is not None for d in spec.get("datasets") or [] if d.get("kind") != "target"
               for v in _values(d.get("data")))


def chart_png(spec: dict) -> bytes | None:
    """The PNG of a chart spec; None when there is nothing to draw."""
    labels = [str(label) for label in spec.get("labels") or []]
    if not labels or not _has_data(spec):
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    with _LOCK:
        kind = spec.get("type", "bar")
        horizontal = bool(spec.get("horizontal"))
        rows = len(labels) if horizontal else 0
        height = max(2.6, 0.42 * rows + 1.2) if horizontal else 3.0
        figure, axes = plt.subplots(figsize=(WIDTH_IN, 3.6 if kind == "doughnut" else height), dpi=DPI)
        try:
            _draw(axes, kind, labels, spec, horizontal)
            if kind != "doughnut":
                value_axis = axes.xaxis if horizontal else axes.yaxis
                value_axis.set_major_formatter(FuncFormatter(_spanish))
                if spec.get("integer"):
                    value_axis.set_major_locator(MaxNLocator(integer=True))
                # Values start at zero, as on the page (Chart.js ``beginAtZero``).
                if horizontal:
                    axes.set_xlim(left=0)
                else:
                    axes.set_ylim(bottom=0)
                axes.grid(axis="x" if horizontal else "y", color="#dee2e6", linewidth=0.6)
                axes.set_axisbelow(True)
                for side in ("top", "right"):
                    axes.spines[side].set_visible(False)
                if spec.get("unit"):
                    (axes.set_xlabel if horizontal else axes.set_ylabel)(str(spec["unit"]), fontsize=8)
            handles, names = axes.get_legend_handles_labels()
            if len(names) > 1:
                axes.legend(fontsize=7, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.18),
                            ncol=min(len(names), 4))
            axes.tick_params(labelsize=7)
            figure.tight_layout()
            out = io.BytesIO()
            figure.savefig(out, format="png", dpi=DPI)
            return out.getvalue()
        finally:
            plt.close(figure)


def _draw(axes, kind: str, labels: list[str], spec: dict, horizontal: bool) -> None:
    datasets = [d for d in spec.get("datasets") or [] if d.get("kind") != "target"]
    targets = [d for d in spec.get("datasets") or [] if d.get("kind") == "target"]
    positions = list(range(len(labels)))
    if kind == "doughnut":
        values = [v or 0 for v in _values(datasets[0].get("data"))]
        tones = datasets[0].get("tones") or []
        colours = [TONES.get(tones[i], COLOURS[i % len(COLOURS)]) if i < len(tones) else COLOURS[i % len(COLOURS)]
                   for i in range(len(labels))]
        shown = [(label, v, colours[i]) for i, (label, v) in enumerate(zip(labels, values)) if v]
        axes.pie([v for _l, v, _c in shown], labels=[f"{label}: {_spanish(v)}" for label, v, _c in shown],
                 colors=[c for _l, _v, c in shown], wedgeprops={"width": 0.4}, textprops={"fontsize": 8},
                 startangle=90, counterclock=False)
        axes.set_aspect("equal")
        return
    if kind == "line":
        for i, dataset in enumerate(datasets):
            axes.plot(positions, _values(dataset.get("data")), marker="o", linewidth=1.6, markersize=4,
                      color=dataset.get("colour") or COLOURS[i % len(COLOURS)], label=str(dataset.get("label", "")))
    else:
        stacked = bool(spec.get("stacked"))
        width = 0.8 if stacked else 0.8 / max(len(datasets), 1)
        base = [0.0] * len(labels)
        for i, dataset in enumerate(datasets):
            values = [v or 0.0 for v in _values(dataset.get("data"))][:len(labels)]
            values += [0.0] * (len(labels) - len(values))
            offset = 0 if stacked else (i - (len(datasets) - 1) / 2) * width
            where = [p + offset for p in positions]
            draw = axes.barh if horizontal else axes.bar
            extra = {"left": base} if horizontal and stacked else {"bottom": base} if stacked else {}
            draw(where, values, width if not horizontal else width * 0.9,
                 color=dataset.get("colour") or COLOURS[i % len(COLOURS)],
                 label=str(dataset.get("label", "")), **extra)
            if stacked:
                base = [b + v for b, v in zip(base, values)]
    for target in targets[:1]:
        values = [v for v in _values(target.get("data")) if v is not None]
        if not values:
            continue
        if kind == "line" or len(set(values)) > 1:
            axes.plot(positions, _values(target.get("data")), linestyle="--", color=TARGET_COLOUR, linewidth=1.2,
                      label=str(target.get("label", "Meta")))
        else:
            (axes.axvline if horizontal else axes.axhline)(values[0], linestyle="--", color=TARGET_COLOUR,
                                                           linewidth=1.2, label=str(target.get("label", "Meta")))
    if horizontal:
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
    else:
        axes.set_xticks(positions, labels, rotation=30 if max(len(label) for label in labels) > 8 else 0,
                        ha="right" if max(len(label) for label in labels) > 8 else "center")


def attach(context, picture) -> None:
    """Give every dict of ``context`` that has a ``chart`` its ``chart_image`` (``picture(png)``, or "")."""
    if isinstance(context, dict):
        if "chart" in context:
            png = chart_png(context["chart"]) if isinstance(context["chart"], dict) else None
            context["chart_image"] = picture(png) if png else ""
        for value in list(context.values()):
            attach(value, picture)
    elif isinstance(context, list):
        for value in context:
            attach(value, picture)
