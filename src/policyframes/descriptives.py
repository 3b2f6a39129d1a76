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
    counts = pd.crosstab(units[rows_var], units[cols_var])
    rows_order = [c for c in codebook.allowed(rows_var) if c in counts.index]
    cols_order = [c for c in codebook.allowed(cols_var) if c in counts.columns]
    body = [[f"`{r}`", *(int(counts.at[r, c]) for c in cols_order), int(counts.loc[r].sum())] for r in rows_order]
    body.append(["Total", *(int(counts[c].sum()) for c in cols_order), int(counts.to_numpy().sum())])
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
    counts = pd.crosstab(of_source["source_kind"], of_source["kind"])
    ev_kinds = [k for k in codebook.terms("evidence_kinds")]
    rows = [[f"`{k}`", *(int(counts.at[k, e]) if k in counts.index and e in counts.columns else 0 for e in ev_kinds),
             int(counts.loc[k].sum()) if k in counts.index else 0] for k in kinds]
    rows = [r for r in rows if r[-1]]
    rows.append(["Total", *(int(counts[e].sum()) if e in counts.columns else 0 for e in ev_kinds), len(evidence)])
    stored = pd.crosstab(sources["kind"], sources["stored"])
    store_kinds = [s for s in ("full_text", "excerpt", "none") if s in stored.columns]
    src_rows = [[f"`{k}`", *(int(stored.at[k, s]) for s in store_kinds), int(stored.loc[k].sum())] for k in kinds if k in stored.index]
    return ("Evidence items by the kind of their source (rows) and their own kind (columns):\n\n"
            + table(["Source kind", *(f"`{e}`" for e in ev_kinds), "Total"], rows)
            + "\n\nSources by kind (rows) and what the repository stores of them (columns):\n\n"
            + table(["Source kind", *(f"`{s}`" for s in store_kinds), "Total"], src_rows))
