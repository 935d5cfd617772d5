"""Bar charts of a snapshot, laid out on the server: the page draws them as inline SVG with no script.

Geometry is computed here so the template only places rectangles; colours and hatching come from classes
in council.css and SVG attributes (the CSP allows no inline styles).
"""

from __future__ import annotations

from dataclasses import dataclass

from council.core.i18n import lazy_gettext as _l
from council.core.signedstats import DIMENSIONS

#: Width of the drawing (SVG user units): labels on the left, bars, then the value.
WIDTH, LABEL_WIDTH, BAR_SPACE, ROW = 640, 170, 380, 26

TITLES = {
    "status": _l("Cases by status"),
    "risk": _l("Cases by urgency"),
    "category": _l("Cases by category (a case may have several)"),
    "age_band": _l("Cases by age of the person at the time of export"),
    "intake_month": _l("Cases by month of intake"),
}

LABELS = {
    "status": {"intake": _l("Intake"), "assessment": _l("Assessment"), "support": _l("In support"),
               "monitoring": _l("Monitoring"), "closed": _l("Closed")},
    "risk": {"high": _l("High"), "medium": _l("Medium"), "low": _l("Low")},
    "age_band": {"under_20": _l("Under 20"), "20s": _l("20s"), "30s": _l("30s"), "40s": _l("40s"),
                 "50s": _l("50s"), "60s": _l("60s"), "70s": _l("70s"), "80_and_over": _l("80 and over"),
                 "unknown": _l("Unknown")},
}


@dataclass(frozen=True)
class Bar:
    label: str
    #: What the table and the bar's end show: the count, or "<k".
    shown: str
    suppressed: bool
    y: int
    width: float


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    bars: list[Bar]
    height: int
    any_suppressed: bool

    @property
    def label_x(self) -> int:
        return LABEL_WIDTH - 8

    @property
    def bar_x(self) -> int:
        return LABEL_WIDTH


def build_charts(payload: dict) -> list[Chart]:
    """One chart per dimension of ``payload``, in the format's order."""
    k, marker = payload["k"], f"<{payload['k']}"
    return [_chart(name, payload["dimensions"][name], k=k, marker=marker) for name in DIMENSIONS]


def _chart(name: str, cells: list[dict], *, k: int, marker: str) -> Chart:
    # A hidden cell is drawn as a hatched bar spanning 0 to k-1: all that is known is that it lies there.
    largest = max([c["count"] for c in cells if c["count"] != marker] + [k - 1, 1])
    names = LABELS.get(name, {})
    bars = []
    for row, cell in enumerate(cells):
        hidden = cell["count"] == marker
        value = k - 1 if hidden else cell["count"]
        bars.append(Bar(label=str(names.get(cell["label"], cell["label"])), shown=str(cell["count"]),
                        suppressed=hidden, y=row * ROW, width=max(BAR_SPACE * value / largest, 2)))
    return Chart(key=name, title=str(TITLES[name]), bars=bars, height=max(len(bars), 1) * ROW,
                 any_suppressed=any(b.suppressed for b in bars))
