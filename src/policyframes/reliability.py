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
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from itertools import permutations

import numpy as np
import pandas as pd

from .codebook import MISSING, Codebook

Unit = Sequence[Hashable | None]  # the values the coders gave one unit; None where a coder gave none


def _coincidences(units: Sequence[Unit]) -> Counter[tuple[Hashable, Hashable]]:
    """o[c, k]: how often values c and k were paired within units, each unit weighted 1/(m-1)."""
    o: Counter[tuple[Hashable, Hashable]] = Counter()
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        for c, k in permutations(values, 2):
            o[c, k] += 1 / (m - 1)  # type: ignore[assignment]  # weights are fractions
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
    """95% percentile interval of alpha, resampling units with replacement.

    Resample i is the units drawn by the i-th run of len(units) calls to
    random.Random(seed).randrange; alpha is computed from the coincidences of the
    distinct units drawn, many resamples at a time (see _alphas).
    """
    pairable = [tuple(u) for u in units if sum(v is not None for v in u) >= 2]
    if not pairable:
        return None
    kinds: dict[tuple, int] = {}
    kind_of = np.array([kinds.setdefault(u, len(kinds)) for u in pairable])
    values = list(dict.fromkeys(v for u in kinds for v in u if v is not None))
    if level == "ordinal":
        values = list(order) if order is not None else sorted(values)
    position = {v: i for i, v in enumerate(values)}
    per_kind = np.zeros((len(kinds), len(values), len(values)))
    for unit, kind in kinds.items():
        for (c, k), weight in _coincidences([unit]).items():
            per_kind[kind, position[c], position[k]] += weight
    draws: list[float] = []
    stream = _RandRange(seed, len(pairable))
    for done in range(0, resamples, _BATCH):
        batch = min(_BATCH, resamples - done)
        drawn = kind_of[stream.take(batch * len(pairable))].reshape(batch, len(pairable))
        offsets = (np.arange(batch) * len(kinds))[:, None]
        counts = np.bincount((drawn + offsets).ravel(), minlength=batch * len(kinds)).reshape(batch, len(kinds))
        draws += _alphas(np.tensordot(counts, per_kind, axes=1), level, values)
    if not draws:
        return None
    draws.sort()
    return draws[int(0.025 * (len(draws) - 1))], draws[int(0.975 * (len(draws) - 1))]


_BATCH = 50  # resamples computed together


class _RandRange:
    """random.Random(seed).randrange(n), called again and again, in bulk: the same
    Mersenne Twister words, of which each call keeps the first whose top n.bit_length()
    bits are below n."""

    def __init__(self, seed: int, n: int) -> None:
        state = random.Random(seed).getstate()[1]
        self.bits = np.random.MT19937()
        self.bits.state = {"bit_generator": "MT19937", "state": {"key": np.array(state[:-1], dtype=np.uint32), "pos": state[-1]}}
        self.n, self.shift = n, np.uint64(32 - n.bit_length())
        self.buffer = np.empty(0, dtype=np.uint64)

    def take(self, count: int) -> np.ndarray:
        while len(self.buffer) < count:
            words = self.bits.random_raw(max(count, 1 << 16)) >> self.shift
            self.buffer = np.concatenate([self.buffer, words[words < self.n]])
        taken, self.buffer = self.buffer[:count], self.buffer[count:]
        return taken.astype(np.int64)


def _alphas(o: np.ndarray, level: str, values: list) -> list[float]:
    """alpha() of each coincidence matrix o[r, c, k] (values in the order given; the
    ordinal ranks follow it), leaving out those where alpha is undefined."""
    n_c = o.sum(axis=2)
    n = n_c.sum(axis=1)
    if level == "nominal":
        delta = np.broadcast_to(1.0 - np.eye(len(values)), o.shape)
    elif level == "interval":
        v = np.array(values, dtype=float)
        delta = np.broadcast_to((v[:, None] - v[None, :]) ** 2, o.shape)
    elif level == "ordinal":
        cum = np.cumsum(n_c, axis=1)
        g = np.arange(len(values))
        lo, hi = np.minimum.outer(g, g), np.maximum.outer(g, g)
        between = cum[:, hi] - cum[:, lo] + n_c[:, lo]
        delta = (between - (n_c[:, :, None] + n_c[:, None, :]) / 2) ** 2
    else:
        raise ValueError(f"unknown level {level!r}")
    defined = (n >= 2) & ((n_c > 0).sum(axis=1) >= 2)
    observed = (o * delta).sum(axis=(1, 2))
    expected = np.einsum("rc,rk,rck->r", n_c, n_c, delta)
    out = []
    for ok, obs, exp, total in zip(defined, observed, expected, n):
        if ok and exp:
            out.append(float(1 - obs / (exp / (total - 1))))
    return out


@dataclass(frozen=True)
class DimensionReliability:
    dimension: str
    level: str
    units: int
    coders: int
    agreement: float | None
    alpha: float | None
    interval: tuple[float, float] | None
    missing_agreement: float | None  # agreement on whether the value is missing at all


def reliability(codebook: Codebook, codings: pd.DataFrame) -> list[DimensionReliability]:
    """Agreement and alpha for every coded variable, from the codings table.

    Missing statuses (not_reported, not_applicable, coded_in_components) are missing
    data, not categories: agreement and alpha are computed over the units where at
    least two coders gave a category, nominal or ordinal by the variable's level.
    Whether coders agree that a value is missing at all is reported beside them.
    """
    results = []
    for var in codebook.coded:
        units = _units(codings, var.name, drop=MISSING)
        order = var.codes if var.level == "ordinal" else None
        pairable = [u for u in units if sum(v is not None for v in u) >= 2]
        missingness = [[None if v is None else v in MISSING for v in u] for u in _units(codings, var.name)]
        results.append(DimensionReliability(
            dimension=var.name,
            level=var.level,
            units=len(pairable),
            coders=codings.loc[codings["dimension"] == var.name, "coder"].nunique(),
            agreement=percent_agreement(units),
            alpha=alpha(units, var.level, order),
            interval=bootstrap_interval(units, var.level, order),
            missing_agreement=percent_agreement(missingness),
        ))
    return results


def _units(codings: pd.DataFrame, dimension: str, drop: Sequence[str] = ()) -> list[list[str | None]]:
    rows = codings.loc[codings["dimension"] == dimension, ["case_id", "coder", "value"]]
    coders = sorted(rows["coder"].unique())
    by_case: dict[str, dict[str, str]] = defaultdict(dict)
    for case_id, coder, value in zip(rows["case_id"].tolist(), rows["coder"].tolist(), rows["value"].tolist()):
        by_case[case_id][coder] = value
    return [[None if by_case[c].get(k) in (None, *drop) else by_case[c][k] for k in coders] for c in sorted(by_case)]


def disagreements(codings: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """Case, dimension, each coder's value and the final value, where coders disagree."""
    wide = codings.pivot_table(index=["case_id", "dimension"], columns="coder", values="value", aggfunc="first")
    first = codings.drop_duplicates(["case_id", "dimension", "coder"])  # the value pivot_table keeps
    split = first.groupby(["case_id", "dimension"])["value"].nunique().reindex(wide.index) > 1
    out = wide[split].reset_index()
    final = cases.set_index("case_id")
    out["final"] = pd.Series([final.at[c, d] for c, d in zip(out["case_id"].tolist(), out["dimension"].tolist())], index=out.index)
    out.columns.name = None
    return out


def _fmt(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.3f}"


def _percent(value: float | None) -> str:
    return "undefined" if value is None else f"{100 * value:.1f}%"


def report_rows(results: list[DimensionReliability]) -> list[list[str]]:
    """Rows of the reliability table: variable, level, units, coders, agreement on missingness,
    agreement, alpha, 95% interval."""
    return [[r.dimension, r.level, str(r.units), str(r.coders), _percent(r.missing_agreement), _percent(r.agreement), _fmt(r.alpha),
             "undefined" if r.interval is None else f"[{r.interval[0]:.3f}, {r.interval[1]:.3f}]"]
            for r in results]


HEADER = ["Variable", "Level", "Units coded by 2+", "Coders", "Agree on missing or not", "Agreement", "Krippendorff's alpha", "95% bootstrap interval"]


def report(codebook: Codebook, codings: pd.DataFrame, cases: pd.DataFrame, max_rows: int | None = None) -> str:
    """The reliability figures and the disagreement table (its first max_rows rows, if
    given), as Markdown."""
    from .markdown import table

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
        shown = split if max_rows is None else split.head(max_rows)
        lines += [
            "Disagreements (each coder's value and the final, adjudicated value):",
            "",
            table(["case_id", "dimension", *coders, "final"],
                  [[r["case_id"], r["dimension"], *[r.get(c, "") for c in coders], r["final"]] for r in shown.to_dict("records")]),
        ]
        if len(shown) < len(split):
            lines += ["", f"The first {len(shown):,} of {len(split):,} disagreements are listed; `policyframes reliability` prints them all."]
    return "\n".join(lines) + "\n"
