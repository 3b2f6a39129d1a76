"""Descriptive tables of a comparative dataset, generated from the data: the
distribution of each coded variable over independent units, cross-tabulations, and
the evidence by kind. Markdown, for the datacard; the site renders the same text."""

from __future__ import annotations

import pandas as pd

from .codebook import Codebook
from .markdown import table

STORED = {"full_text": "Full text", "excerpt": "Cited sentences only", "none": "Not stored (cited by locator)"}  # sources.stored


def independent_units(codebook: Codebook, cases: pd.DataFrame) -> pd.DataFrame:
    """The cases that no other case names as its parent: a package or family whose
    components are cases of their own is counted through them, so that no unit is
    counted twice."""
    parent = codebook.role("parent").name
    parents = set(cases[parent].dropna())
    return cases[~cases["case_id"].isin(parents)]


def distributions(codebook: Codebook, cases: pd.DataFrame) -> str:
    """For each coded variable, how many independent units take each value."""
    units = independent_units(codebook, cases)
    out = [f"Over the {len(units)} independent units (the {len(cases)} cases less the "
           f"{len(cases) - len(units)} packages and families whose components are cases of their own):"]
    for var in codebook.coded:
        counts = units[var.name].value_counts()
        rows = [[f"`{code}`", int(counts.get(code, 0))] for code in codebook.allowed(var.name) if counts.get(code, 0)]
        out.append(f"`{var.name}` ({var.label}):")
        out.append(table(["Value", "Units"], rows))
    return "\n\n".join(out)


def crosstab(codebook: Codebook, cases: pd.DataFrame, rows_var: str, cols_var: str) -> str:
    """A cross-tabulation of two variables over the independent units (values that occur only)."""
    units = independent_units(codebook, cases)
    counts = pd.crosstab(units[rows_var], units[cols_var]).astype(int)
    at = counts.to_dict()  # column -> row -> count
    rows_order = [c for c in codebook.allowed(rows_var) if c in counts.index]
    cols_order = [c for c in codebook.allowed(cols_var) if c in counts.columns]
    body = [[f"`{r}`", *(at[c][r] for c in cols_order), sum(at[c][r] for c in cols_order)] for r in rows_order]
    body.append(["Total", *(sum(at[c].values()) for c in cols_order), len(units)])
    caption = f"`{rows_var}` (rows) by `{cols_var}` (columns), independent units:"
    return caption + "\n\n" + table([rows_var, *(f"`{c}`" for c in cols_order), "Total"], body)


def crosstabs(codebook: Codebook, cases: pd.DataFrame) -> str:
    """Framing by policy type, and mobilisation level by unit type."""
    framing, policy, unit = (codebook.role(r).name for r in ("framing", "policy_type", "unit_type"))
    return crosstab(codebook, cases, framing, policy) + "\n\n" + crosstab(codebook, cases, "mobilisation_level", unit)


def evidence_by_kind(codebook: Codebook, evidence: pd.DataFrame, sources: pd.DataFrame) -> str:
    """Evidence items by kind (quote, citation) and by the kind of their source, and the
    sources by kind and by what the repository stores of them."""
    kinds = codebook.terms("source_kinds")
    of_source = evidence.merge(sources[["source_id", "kind"]].rename(columns={"kind": "source_kind"}), on="source_id", how="left")
    counts = pd.crosstab(of_source["source_kind"], of_source["kind"]).to_dict()  # evidence kind -> source kind -> count
    ev_kinds = codebook.terms("evidence_kinds")

    def n(kind: str, source_kind: str) -> int:
        return int(counts.get(kind, {}).get(source_kind, 0))

    rows = [[f"`{k}`", *(n(e, k) for e in ev_kinds), sum(n(e, k) for e in ev_kinds)] for k in kinds]
    rows = [r for r in rows if r[-1]]
    rows.append(["Total", *(sum(counts.get(e, {}).values()) for e in ev_kinds), len(evidence)])
    stored = pd.crosstab(sources["kind"], sources["stored"]).to_dict()  # stored -> source kind -> count
    store_kinds = [s for s in ("full_text", "excerpt", "none") if s in stored]
    src_rows = [[f"`{k}`", *(int(stored[s].get(k, 0)) for s in store_kinds), sum(int(stored[s].get(k, 0)) for s in store_kinds)]
                for k in kinds if any(stored[s].get(k, 0) for s in store_kinds)]
    return ("Evidence items by the kind of their source (rows) and their own kind (columns):\n\n"
            + table(["Source kind", *(f"`{e}`" for e in ev_kinds), "Total"], rows)
            + "\n\nSources by kind (rows) and what the repository stores of them (columns):\n\n"
            + table(["Source kind", *(f"`{s}`" for s in store_kinds), "Total"], src_rows))
