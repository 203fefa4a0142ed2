"""Honest statistics: Wilson score intervals for rates and funnel-plot control limits, so that
chance is not read as quality (issue 15 item 7)."""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Two-sided z values: 95% and 99.8% (the funnel plot's inner and outer limits).
Z95 = 1.959964
Z998 = 3.090232


def wilson(numerator: float, denominator: float, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of ``numerator``/``denominator`` in percent (None when the
    denominator is zero)."""
    if denominator <= 0:
        return None
    p = numerator / denominator
    z2 = z * z
    centre = (p + z2 / (2 * denominator)) / (1 + z2 / denominator)
    half = z * math.sqrt(p * (1 - p) / denominator + z2 / (4 * denominator * denominator))
    half /= 1 + z2 / denominator
    return max(0.0, 100 * (centre - half)), min(100.0, 100 * (centre + half))


@dataclass(frozen=True)
class FunnelPoint:
    """The control limits (percent) around the overall rate for a unit of size ``n``."""

    n: int
    lower95: float
    upper95: float
    lower998: float
    upper998: float


def funnel_limits(overall_percent: float, max_n: int, steps: int = 40) -> list[FunnelPoint]:
    """Limits for denominators from 1 to ``max_n``: the overall rate ± z·√(p(1−p)/n) (normal
    approximation to the binomial), clipped to 0–100%."""
    p = overall_percent / 100
    found: list[FunnelPoint] = []
    sizes = sorted({max(1, round(max_n * (k / steps) ** 2)) for k in range(1, steps + 1)})
    for n in sizes:
        se = math.sqrt(p * (1 - p) / n)
        found.append(
            FunnelPoint(
                n=n,
                lower95=max(0.0, 100 * (p - Z95 * se)),
                upper95=min(100.0, 100 * (p + Z95 * se)),
                lower998=max(0.0, 100 * (p - Z998 * se)),
                upper998=min(100.0, 100 * (p + Z998 * se)),
            )
        )
    return found


def outside(value_percent: float, n: float, overall_percent: float) -> str:
    """Where a unit lies on the funnel: "" (within 95%), "95" or "99.8" (outside that limit)."""
    if n <= 0:
        return ""
    p = overall_percent / 100
    se = math.sqrt(p * (1 - p) / n) if 0 < p < 1 else 0.0
    if se == 0:
        return ""
    z = abs(value_percent / 100 - p) / se
    if z > Z998:
        return "99.8"
    if z > Z95:
        return "95"
    return ""
