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
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from itertools import permutations
from typing import Any

import numpy as np
import pandas as pd

from .codebook import MISSING, Codebook
from .tables import Tables

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


# -- beyond the coded values: pairs, confusions, evidence, facts, events, relations -------


def coder_pairs(codings: pd.DataFrame) -> list[tuple[str, str]]:
    coders = sorted(codings["coder"].unique())
    return [(a, b) for i, a in enumerate(coders) for b in coders[i + 1:]]


def _pair(pair: pd.DataFrame, var: Any) -> tuple[str, list[list[str | None]]]:
    """Agreement / alpha of two coders' codings on a variable, over the units both coded
    with a category (their number); and the units with missing statuses kept."""
    units = [u for u in _units(pair, var.name, drop=MISSING) if sum(v is not None for v in u) == 2]
    order = var.codes if var.level == "ordinal" else None
    figure = f"{_percent(percent_agreement(units))} / {_fmt(alpha(units, var.level, order))} ({len(units)}"
    return figure, _units(pair, var.name)


def pair_rows(codebook: Codebook, codings: pd.DataFrame) -> list[list[str]]:
    """Per variable and pair of coders: units both coded with a category, agreement and alpha."""
    pairs = [codings[codings["coder"].isin([a, b])] for a, b in coder_pairs(codings)]
    return [[var.name, *(_pair(pair, var)[0] + ")" for pair in pairs)] for var in codebook.coded]


def confusion(codings: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Coder pairs by value: cell (x, y) counts the units and pairs of coders where one gave
    x and the other y (each pair of coders once, so the matrix is symmetric; the diagonal
    is agreement). Missing statuses are kept, to show where coders split on missingness."""
    units = _units(codings, dimension)
    pairs: Counter[tuple[str, str]] = Counter()
    for unit in units:
        values = [v for v in unit if v is not None]
        for i in range(len(values)):
            for j in range(i + 1, len(values)):
                pairs[values[i], values[j]] += 1
                if values[i] != values[j]:
                    pairs[values[j], values[i]] += 1
    labels = sorted({v for pair in pairs for v in pair})
    return pd.DataFrame([[pairs.get((x, y), 0) for y in labels] for x in labels], index=labels, columns=labels)


def _merged(spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Spans (source, start, end) merged into disjoint ones, in order."""
    out: list[tuple[str, int, int]] = []
    for source, start, end in sorted(spans):
        if out and out[-1][0] == source and start <= out[-1][2]:
            out[-1] = (source, out[-1][1], max(out[-1][2], end))
        elif end > start:
            out.append((source, start, end))
    return out


def _overlap(a: list[tuple[str, int, int]], b: list[tuple[str, int, int]]) -> int:
    """Characters two lists of disjoint, ordered spans have in common."""
    both = i = j = 0
    while i < len(a) and j < len(b):
        (sa, xa, ya), (sb, xb, yb) = a[i], b[j]
        if sa == sb:
            both += max(0, min(ya, yb) - max(xa, xb))
        if (sa, ya) < (sb, yb):
            i += 1
        else:
            j += 1
    return both


def span_f1(evidence: pd.DataFrame, codebook: Codebook) -> list[list[str]]:
    """Per variable: how much of the text one coder cited for a unit the other cited too
    (character-overlap F1, averaged over the units and pairs of coders where both cited
    something)."""
    wanted = (evidence["record_type"] == "code") & evidence["coder"].notna() & (evidence["kind"] == "quote")
    codes = evidence.loc[wanted, ["dimension", "case_id", "coder", "source_id", "start", "end"]]  # not the quotes
    coders = sorted(codes["coder"].unique())
    codes = codes[codes.groupby(["dimension", "case_id"])["coder"].transform("nunique") > 1]  # a unit one coder cited has no pair
    cited: dict[tuple[str, str], dict[str, list[tuple[str, int, int]]]] = defaultdict(lambda: defaultdict(list))  # (variable, case) -> coder -> spans
    for dim, case_id, coder, source_id, start, end in zip(codes["dimension"], codes["case_id"], codes["coder"], codes["source_id"],
                                                          codes["start"], codes["end"]):
        cited[dim, case_id][coder].append((source_id, int(start), int(end)))
    scores: dict[str, list[float]] = defaultdict(list)
    for (dim, _case_id), unit in sorted(cited.items()):
        merged = {coder: _merged(spans) for coder, spans in unit.items()}
        size = {coder: sum(end - start for _, start, end in spans) for coder, spans in merged.items()}
        for i, a in enumerate(coders):
            for b in coders[i + 1:]:
                if size.get(a) and size.get(b):
                    scores[dim].append(2 * _overlap(merged[a], merged[b]) / (size[a] + size[b]))
    return [[var.name, str(len(scores[var.name])), _fmt(sum(scores[var.name]) / len(scores[var.name]) if scores[var.name] else None)]
            for var in codebook.coded]


def attribution_agreement(evidence: pd.DataFrame) -> tuple[int, float | None]:
    """Over the pairs of overlapping quotes by different coders on the same case: how
    many there are, and the share that give the same attribution."""
    wanted = evidence["coder"].notna() & (evidence["kind"] == "quote")
    rows = evidence.loc[wanted, ["case_id", "coder", "source_id", "start", "end", "attribution"]].drop_duplicates()
    groups: dict[tuple[str, str], list[tuple[str, int, int, str]]] = defaultdict(list)
    for case_id, coder, source_id, start, end, attribution in zip(*(rows[c] for c in rows.columns)):
        groups[case_id, source_id].append((coder, int(start), int(end), attribution))
    same = total = 0
    for items in groups.values():
        for i, (coder, start, end, attribution) in enumerate(items):
            for other, other_start, other_end, other_attribution in items[i + 1:]:
                if coder != other and start < other_end and other_start < end:
                    total += 1
                    same += attribution == other_attribution
    return total, (same / total if total else None)


def set_f1(sets: dict[str, dict[str, set[Any]]]) -> tuple[int, float | None]:
    """Pooled F1 of what pairs of coders recorded per case (coder -> case -> items):
    2 x items both recorded / items each recorded, over every pair of coders."""
    coders = sorted(sets)
    both = each = 0
    for i, a in enumerate(coders):
        for b in coders[i + 1:]:
            for case_id in set(sets[a]) | set(sets[b]):
                x, y = sets[a].get(case_id, set()), sets[b].get(case_id, set())
                both += 2 * len(x & y)
                each += len(x) + len(y)
    return each, (both / each if each else None)


def fact_rows(facts: pd.DataFrame, primary: str) -> list[list[str]]:
    """Per fact: agreement on whether it is reported, and on the value itself (the case
    file's facts count as the primary coder's; text compared without case and spacing)."""
    data = facts.assign(coder=facts["coder"].fillna(primary),
                        norm=facts["value"].map(lambda v: " ".join(str(v).lower().split())))
    rows = []
    for fact, group in data.groupby("fact", sort=False):
        wide = group.pivot_table(index="case_id", columns="coder", values="norm", aggfunc="first")
        units = [[None if pd.isna(v) else v for v in row] for row in wide.itertuples(index=False)]
        reported = [[None if v is None else v != "not_reported" for v in u] for u in units]
        values = [[v if v != "not_reported" else None for v in u] for u in units]
        rows.append([str(fact), _percent(percent_agreement(reported)), _percent(percent_agreement(values))])
    return rows


def procedure_report(codebook: Codebook, codings: pd.DataFrame, evidence: pd.DataFrame, facts: pd.DataFrame,
                     events: dict[str, dict[str, set[Any]]], relations: dict[str, dict[str, set[Any]]], primary: str) -> str:
    """Agreement beyond the coded values, as Markdown: per pair of coders, confusion of the
    variables with disagreements, evidence spans, attributions, facts, events, relations."""
    from .markdown import table

    pairs = coder_pairs(codings)
    lines = ["Agreement / alpha (units both coded with a category), per pair of coders:", "",
             table(["Variable", *(f"{a}-{b}" for a, b in pairs)], pair_rows(codebook, codings)), ""]
    matrices = {v.name: confusion(codings, v.name) for v in codebook.coded}
    split = {name: m for name, m in matrices.items() if m.to_numpy().diagonal().sum() != m.to_numpy().sum()}
    lines += [f"Confusion of coders' values (pairs of coders per unit), for the variables where they split"
              f" ({len(codebook.coded) - len(split)} others: full agreement):", ""]
    for name, matrix in split.items():
        lines += [f"`{name}`:", "", table(["", *matrix.columns], [[label, *row] for label, row in zip(matrix.index, matrix.to_numpy().tolist())]), ""]
    total, share = attribution_agreement(evidence)
    each_event, events_f1 = set_f1(events)
    each_relation, relations_f1 = set_f1(relations)
    lines += ["Evidence spans: character-overlap F1 of the passages two coders quoted for the same case and variable (quotes only; a citation has no characters to compare):", "",
              table(["Variable", "Unit-pairs both citing", "Mean F1"], span_f1(evidence, codebook)), "",
              f"Attributions: {total} pairs of overlapping quotes by different coders; same attribution in {_percent(share)}.", "",
              "Facts: agreement on whether each is reported, and on its value (text compared without case and spacing):", "",
              table(["Fact", "Reported or not", "Same value"], fact_rows(facts, primary)), "",
              f"Events (type and date): pooled F1 {_fmt(events_f1)} over {each_event} recorded events of the pairs of coders.",
              f"Relations (type and target): pooled F1 {_fmt(relations_f1)} over {each_relation} recorded relations of the pairs of coders."]
    return "\n".join(lines) + "\n"


def full_report(codebook: Codebook, tables: Tables, primary: str, max_rows: int | None = None,
                certifying: frozenset[str] = frozenset()) -> str:
    """Every reliability figure of the dataset, as Markdown: the coded variables, then the
    procedure beyond them (the case files' facts, events and relations count as the
    `primary` coder's, the further coders' as theirs). Coders who code only to be certified
    are left out: they are not part of the dataset's coding."""
    if certifying:
        keep = {name: df[~df["coder"].isin(certifying)] if "coder" in df.columns and name != "adjudications" else df
                for name, df in tables.as_dict().items()}
        tables = Tables(**keep, built=tables.built)
    match = {(c, u): case for c, u, case in zip(tables.units["coder"], tables.units["unit_id"], tables.units["case_id"])
             if isinstance(case, str)}

    def recorded(rows: pd.DataFrame, case_column: str, item: Callable[[dict[str, Any]], Any]) -> dict[str, dict[str, set[Any]]]:
        out: dict[str, dict[str, set[Any]]] = defaultdict(lambda: defaultdict(set))
        for row in rows.to_dict("records"):
            record = {str(k): v for k, v in row.items()}
            coder = record["coder"] if isinstance(record.get("coder"), str) else primary
            out[coder][record[case_column]].add(item({**record, "coder": coder}))
        return out

    events = recorded(pd.concat([tables.timeline, tables.coded_events]), "case_id", lambda r: (r["type"], r["date"]))
    relations = recorded(pd.concat([tables.relations, tables.coded_relations]), "from_case",
                         lambda r: (r["type"], match.get((r["coder"], r["to_case"]), r["to_case"]) if isinstance(r["to_case"], str) else None))
    return (report(codebook, tables.codings, tables.cases, max_rows) + "\n"
            + procedure_report(codebook, tables.codings, tables.evidence, tables.facts, events, relations, primary))


def certification(codebook: Codebook, tables: Tables, coder: str) -> str:
    """How far one coder agrees with the released final codes and with each other
    coder, variable by variable (a coder-certification report), as Markdown."""
    from .markdown import table

    codings = tables.codings[["case_id", "dimension", "coder", "value"]]
    if coder not in set(codings["coder"]):
        raise ValueError(f"coder {coder!r} has no coding in the dataset; coders: {', '.join(sorted(set(codings['coder'])))}")
    final = tables.cases.melt(id_vars="case_id", value_vars=[v.name for v in codebook.coded], var_name="dimension", value_name="value")
    against = {"final codes": final.assign(coder="final"),
               **{other: codings[codings["coder"] == other] for other in sorted(set(codings["coder"]) - {coder})}}
    mine = codings[codings["coder"] == coder]
    header = ["Variable", *against]
    rows = []
    pairs = [pd.concat([mine, other.assign(coder="other")]) for other in against.values()]
    for var in codebook.coded:
        cells = [var.name]
        for pair in pairs:
            figure, units = _pair(pair, var)
            missing = [[None if v is None else v in MISSING for v in u] for u in units]
            cells.append(f"{figure}; missing or not {_percent(percent_agreement(missing))})")
        rows.append(cells)
    cases = mine["case_id"].nunique()
    return "\n".join([
        f"Coder {coder}: {cases} cases coded. Per variable and comparison: agreement / Krippendorff's alpha over the units "
        "both coded with a category (their number), and agreement on whether the value is missing at all.",
        "",
        table(header, rows),
    ]) + "\n"


def recoding(changelog: str, codebook: Codebook, release: str) -> str:
    """How many final codes a release's recoding changed, and why, counted from the
    release's CHANGELOG tables (case | earlier variable = value | new variable = value |
    reason), as Markdown."""
    from .markdown import table

    section = changelog.split(f"## [{release}]", 1)[1].split("\n## [", 1)[0] if f"## [{release}]" in changelog else ""
    coded = {v.name for v in codebook.coded}
    changed: Counter[str] = Counter()
    added: Counter[str] = Counter()
    cited: Counter[str] = Counter()
    renamed: Counter[str] = Counter()
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or " = " not in cells[2]:
            continue
        variable = cells[2].split(" = ", 1)[0].split(";")[0].strip()
        if variable not in coded:
            continue
        if cells[1] in ("—", "-") or " = " not in cells[1]:
            added[variable] += 1
        else:
            changed[variable] += 1
            cited[variable] += "review row" in cells[3]
            renamed[variable] += "renamed" in cells[3] or "new scale" in cells[3]
    if not changed and not added:
        return f"The changelog of {release} lists no recoded value.\n"
    rows = [[name, changed[name], renamed[name], cited[name], added[name]]
            for name in (v.name for v in codebook.coded) if changed[name] or added[name]]
    return (f"Recoding in release {release}, from its changelog: {sum(changed.values())} final codes changed, of which "
            f"{sum(renamed.values())} for a category renamed or mapped to a new scale (among other reasons) and "
            f"{sum(cited.values())} citing a finding of the review of the previous release; {sum(added.values())} values "
            "of new variables coded.\n\n"
            + table(["Variable", "Codes changed", "Renamed or new scale", "Citing the review", "New values"], rows) + "\n")
