"""One measured figure, its baseline, its goal, and the line ``python -m bench`` prints for it."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Goal:
    """What "within goal" means for one figure.

    ``ratio``: value / baseline at most this; ``at_most``: value itself at most this (in the
    figure's unit); ``over``: value - baseline at most this (memory). Any combination must all hold.
    """

    ratio: float | None = None
    at_most: float | None = None
    over: float | None = None

    def met(self, value: float, baseline: float | None) -> bool:
        if self.ratio is not None and (baseline is None or value > self.ratio * baseline):
            return False
        if self.at_most is not None and value > self.at_most:
            return False
        return not (self.over is not None and (baseline is None or value - baseline > self.over))

    def describe(self, unit: str) -> str:
        parts = []
        if self.ratio is not None:
            parts.append(f"≤ {self.ratio:g}×")
        if self.at_most is not None:
            parts.append(f"≤ {self.at_most:g} {unit}")
        if self.over is not None:
            parts.append(f"≤ +{self.over:g} {unit}")
        return " and ".join(parts)


@dataclass(frozen=True, slots=True)
class Figure:
    name: str
    value: float
    baseline: float | None
    unit: str
    goal: Goal
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.goal.met(self.value, self.baseline)

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline

    def cells(self) -> tuple[str, ...]:
        ratio = "—" if self.ratio is None else f"{self.ratio:.2f}×"
        base = "—" if self.baseline is None else f"{_num(self.baseline)} {self.unit}"
        return (
            self.name,
            f"{_num(self.value)} {self.unit}",
            base,
            ratio,
            self.goal.describe(self.unit),
            "ok" if self.ok else "MISS",
        )


HEADER = ("figure", "measured", "baseline", "ratio", "goal", "")


def _num(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def line(figure: Figure) -> str:
    """The line printed as soon as a figure is measured."""
    name, measured, base, ratio, goal, verdict = figure.cells()
    text = (
        f"{name:<52} {measured:>12}  baseline {base:>12}  ratio {ratio:>7}  "
        f"goal {goal:<18} {verdict}"
    )
    return text + (f"  ({figure.note})" if figure.note else "")


def markdown(figures: Sequence[Figure]) -> str:
    """The table for the README."""
    rows = [HEADER, ("---",) * len(HEADER), *(f.cells() for f in figures)]
    return "\n".join("| " + " | ".join(r) + " |" for r in rows)


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def p95(samples: Sequence[float]) -> float:
    """The 95th percentile (nearest rank): with 40 samples, the second largest."""
    ordered = sorted(samples)
    rank = max(1, -(-95 * len(ordered) // 100))
    return ordered[rank - 1]
