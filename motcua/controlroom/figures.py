"""The live figures of a dashboard: each number shown on the page has a key, its value and its text
written the Vietnamese way. The page renders the text at its place (`data-live="<key>"`); the JSON endpoint
sends the same figures, computed by the same code, and the page's script replaces the texts in place.

One registry per request: the builders add figures while they read the numbers, so a number on the page
and in the JSON cannot differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from motcua.lib import vnformat


@dataclass(frozen=True)
class Figure:
    key: str
    value: object  # JSON-ready: int, float, str, bool or None
    text: str
    tone: str = ""  # "good" / "bad" / "warn" / "": the CSS class the page gives the figure (the text says it too)

    def __str__(self):
        return self.text


def _plain(value):
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, (Decimal, Fraction, float)):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"not a figure value: {value!r}")


class Figures:
    """The figures of one dashboard, in the order they were added."""

    def __init__(self):
        self.items: dict[str, Figure] = {}

    def add(self, key: str, value, text: str, tone: str = "") -> Figure:
        if key in self.items:
            raise ValueError(f"figure {key!r} added twice")
        figure = Figure(key, _plain(value), text, tone)
        self.items[key] = figure
        return figure

    def number(self, key: str, value, places: int = 0, sign: bool = False, tone: str = "") -> Figure:
        return self.add(key, value, vnformat.number(value, places, sign), tone)

    def percent(self, key: str, rate, places: int = 2, sign: bool = False, tone: str = "") -> Figure:
        return self.add(key, rate, vnformat.percent(rate, places, sign), tone)

    def text(self, key: str, text: str, tone: str = "") -> Figure:
        return self.add(key, text, text, tone)

    def json(self) -> dict:
        return {key: {"value": f.value, "text": f.text, "tone": f.tone} for key, f in self.items.items()}
