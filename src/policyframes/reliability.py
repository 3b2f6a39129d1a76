"""Intercoder reliability: percent agreement and Krippendorff's alpha per dimension.

Alpha follows Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": a
coincidence matrix over pairable values (units coded by at least two coders), observed
against expected disagreement, with the nominal, ordinal or interval difference
function. The 95% interval is a percentile bootstrap over units (1,000 resamples with a
fixed seed, so that the figures are reproducible).
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import permutations
from typing import Hashable, Sequence

import pandas as pd

from .codebook import MISSING, Codebook

Unit = Sequence[Hashable | None]  # the values the coders gave one unit; None where a coder gave none


def _coincidences(units: Sequence[Unit]) -> Counter:
    """o[c, k]: how often values c and k were paired within units, each unit weighted 1/(m-1)."""
    o: Counter = Counter()
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        for c, k in permutations(values, 2):
            o[c, k] += 1 / (m - 1)
    return o


def alpha(units: Sequence[Unit], level: str = "nominal", order: Sequence[Hashable] | None = None) -> float | None:
    """Krippendorff's alpha of reliability data given unit by unit; None when undefined
    (fewer than two pairable values, or only one value ever used)."""
    o = _coincidences(units)
    n_c: Counter = Counter()
    for (c, _k), weight in o.items():
        n_c[c] += weight
    n = sum(n_c.values())
    if n < 2 or len(n_c) < 2:
        return None
    delta = _difference(level, n_c, order)
    observed = sum(weight * delta(c, k) for (c, k), weight in o.items())
    expected = sum(n_c[c] * n_c[k] * delta(c, k) for c in n_c for k in n_c) / (n - 1)
    return 1 - observed / expected if expected else None


def _difference(level: str, n_c: Counter, order: Sequence[Hashable] | None):
    """The squared difference function delta^2(c, k) of a measurement level."""
    if level == "nominal":
        return lambda c, k: 0.0 if c == k else 1.0
    if level == "interval":
        return lambda c, k: float(c - k) ** 2
    if level == "ordinal":
        ranks = list(order) if order is not None else sorted(n_c)
        position = {v: i for i, v in enumerate(ranks)}

        def delta(c: Hashable, k: Hashable) -> float:
            lo, hi = sorted((position[c], position[k]))
            between = sum(n_c[ranks[g]] for g in range(lo, hi + 1))
            return (between - (n_c[c] + n_c[k]) / 2) ** 2

        return delta
    raise ValueError(f"unknown level {level!r}")


def percent_agreement(units: Sequence[Unit]) -> float | None:
    """Share of agreeing pairs of values within units (units with two or more values)."""
    agree = pairs = 0
    for unit in units:
        values = [v for v in unit if v is not None]
        for i in range(len(values)):
            for j in range(i + 1, len(values)):
                pairs += 1
                agree += values[i] == values[j]
    return agree / pairs if pairs else None


def bootstrap_interval(units: Sequence[Unit], level: str, order: Sequence[Hashable] | None = None,
                       resamples: int = 1000, seed: int = 20111) -> tuple[float, float] | None:
    """95% percentile interval of alpha, resampling units with replacement."""
    pairable = [u for u in units if sum(v is not None for v in u) >= 2]
    if not pairable:
        return None
    rng = random.Random(seed)
    draws = []
    for _ in range(resamples):
        sample = [pairable[rng.randrange(len(pairable))] for _ in pairable]
        value = alpha(sample, level, order)
        if value is not None:
            draws.append(value)
    if not draws:
        return None
    draws.sort()
    return draws[int(0.025 * (len(draws) - 1))], draws[int(0.975 * (len(draws) - 1))]


@dataclass(frozen=True)
class DimensionReliability:
    dimension: str
    level: str
    units: int
    coders: int
    agreement: float | None
    alpha: float | None
    interval: tuple[float, float] | None


def reliability(codebook: Codebook, codings: pd.DataFrame) -> list[DimensionReliability]:
    """Agreement and alpha for every coded dimension, from the codings table.

    For the ordinal dimension, alpha is computed over its levels only: a missing code
    (not_reported, not_applicable) has no place on the scale and counts as no value.
    For nominal dimensions the missing codes are categories like any other.
    """
    results = []
    for var in codebook.coded:
        units = _units(codings, var.name, drop=MISSING if var.level == "ordinal" else ())
        order = var.codes if var.level == "ordinal" else None
        pairable = [u for u in units if sum(v is not None for v in u) >= 2]
        results.append(DimensionReliability(
            dimension=var.name,
            level=var.level,
            units=len(pairable),
            coders=codings.loc[codings["dimension"] == var.name, "coder"].nunique(),
            agreement=percent_agreement(_units(codings, var.name)),
            alpha=alpha(units, var.level, order),
            interval=bootstrap_interval(units, var.level, order),
        ))
    return results


def _units(codings: pd.DataFrame, dimension: str, drop: Sequence[str] = ()) -> list[list[str | None]]:
    rows = codings[codings["dimension"] == dimension]
    coders = sorted(rows["coder"].unique())
    by_case: dict[str, dict[str, str]] = defaultdict(dict)
    for case_id, coder, value in zip(rows["case_id"], rows["coder"], rows["value"]):
        by_case[case_id][coder] = value
    return [[None if by_case[c].get(k) in (None, *drop) else by_case[c][k] for k in coders] for c in sorted(by_case)]


def disagreements(codings: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """Case, dimension, each coder's value and the final value, where coders disagree."""
    wide = codings.pivot_table(index=["case_id", "dimension"], columns="coder", values="value", aggfunc="first")
    split = wide.nunique(axis=1) > 1
    out = wide[split].reset_index()
    final = cases.set_index("case_id")
    out["final"] = [final.at[c, d] for c, d in zip(out["case_id"], out["dimension"])]
    out.columns.name = None
    return out


def _fmt(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.3f}"


def report_rows(results: list[DimensionReliability]) -> list[list[str]]:
    """Rows of the reliability table: dimension, level, units, coders, agreement, alpha, 95% interval."""
    return [[r.dimension, r.level, str(r.units), str(r.coders),
             "undefined" if r.agreement is None else f"{100 * r.agreement:.1f}%", _fmt(r.alpha),
             "undefined" if r.interval is None else f"[{r.interval[0]:.3f}, {r.interval[1]:.3f}]"]
            for r in results]


HEADER = ["Dimension", "Level", "Units", "Coders", "Agreement", "Krippendorff's alpha", "95% bootstrap interval"]


def report(codebook: Codebook, codings: pd.DataFrame, cases: pd.DataFrame) -> str:
    """The reliability figures and the disagreement table, as Markdown."""
    from .docs import table

    coders = sorted(codings["coder"].unique())
    lines = [
        f"{cases['case_id'].nunique()} cases, coders {', '.join(coders)}.",
        "",
        table(HEADER, report_rows(reliability(codebook, codings))),
        "",
    ]
    split = disagreements(codings, cases)
    if split.empty:
        lines.append("The coders agree on every case and dimension.")
    else:
        lines += [
            "Disagreements (each coder's value and the final, adjudicated value):",
            "",
            table(["case_id", "dimension", *coders, "final"],
                  [[r["case_id"], r["dimension"], *[r.get(c, "") for c in coders], r["final"]] for _, r in split.iterrows()]),
        ]
    return "\n".join(lines) + "\n"
