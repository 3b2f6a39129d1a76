"""Documents generated from the codebook and the data: CODEBOOK.md, the JSON Schema,
the datacard's tables and the Hugging Face dataset card."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import yaml

from . import layout
from .codebook import STATUS_SUFFIX, Codebook
from .descriptives import STORED, crosstabs, distributions, evidence_by_kind
from .export import HF_DIR, categories
from .markdown import listing, table
from .meta import LANGUAGES, DatasetMeta
from .models import case_model
from .problems import CODES


def json_schema(codebook: Codebook) -> str:
    """JSON Schema of a case file, for editors that check YAML."""
    schema = case_model(codebook).model_json_schema()
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://policyframes.invalid/schema/case.schema.json",
        "title": "policyframes case file",
        "description": f"A case of the policyframes dataset (codebook {codebook.codebook_version}). Generated from schema/codebook.yaml; do not edit.",
        **{k: v for k, v in schema.items() if k != "title"},
    }
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _text(value: str) -> str:
    return " ".join(value.split())


def codebook_markdown(codebook: Codebook) -> str:
    """The codebook rendered for reading."""
    cb = codebook
    refs = {r.key: r.text for r in cb.references}
    out = [
        f"# {cb.title}",
        "",
        "<!-- Generated from schema/codebook.yaml by `policyframes build`; do not edit. -->",
        "",
        f"Codebook version **{cb.codebook_version}**.",
        "",
        _text(cb.description),
        "",
        "## General rules",
        "",
        *[f"- **{r.id}**: {_text(r.rule)}" for r in cb.general_rules],
        "",
        "## Missing statuses",
        "",
        "A coded variable may take only the missing statuses its entry allows, and says when each applies. "
        "They are data about the sources, not categories: they are never compared or ranked as values.",
        "",
        table(["Code", "Label", "Definition", "Decision rule"], [[f"`{m.code}`", m.label, m.definition, m.decision_rule] for m in cb.missing_codes]),
        "",
        "## Confidence",
        "",
        table(["Level", "Label", "Definition"], [[c.level, c.label, c.definition] for c in cb.confidence]),
        "",
        "## Attribution of evidence",
        "",
        table(["Code", "Label", "Definition"], [[f"`{a.code}`", a.label, a.definition] for a in cb.attributions]),
        "",
        "## Quote normalisation",
        "",
        _text(cb.quote_normalisation),
        "",
        "## Variables",
        "",
        table(["Variable", "Label", "Kind", "Level", "Roles"],
              [[f"[`{v.name}`](#{v.name})", v.label, v.kind, v.level, ", ".join(v.roles)] for v in cb.variables]),
        "",
        "Roles are what the package relies on a variable for; each is held by exactly one variable:",
        "",
        table(["Role", "Level", "Used for"], [[f"`{r.code}`", r.level, r.description] for r in cb.roles]),
        "",
    ]
    for var in cb.variables:
        kind = f"{var.kind}, {var.level}" + (f", {var.type}" if var.type != "string" else "") + (", may be empty" if var.nullable else "")
        out += [f"### {var.name}", "", f"**{var.label}** ({kind}). {_text(var.description)}", ""]
        if var.theory:
            out += [f"*Theory.* {_text(var.theory)}", ""]
        if var.references:
            out += ["*References.*", "", *[f"- {refs[k]}" for k in var.references], ""]
        if var.applies_when:
            out += [f"*Applies when:* {_text(var.applies_when)}", ""]
        if var.derived_from:
            out += [f"Derived from `{var.derived_from}`.", ""]
        if var.categories_from:
            out += [f"Takes the categories of [`{var.categories_from}`](#{var.categories_from})"
                    + (", and:" if var.extra_categories else "."), ""]
        shown = var.extra_categories if var.categories_from else var.categories
        offset = len(var.categories) - len(shown)
        for i, cat in enumerate(shown, offset):
            rank = f"{i}. " if var.level == "ordinal" else ""
            out += [f"#### `{cat.code}`: {rank}{cat.label.split(' ', 1)[-1] if rank else cat.label}", "", f"- Definition: {_text(cat.definition)}"]
            if cat.decision_rule:
                out.append(f"- Decision rule: {_text(cat.decision_rule)}")
            if cat.boundary:
                out.append(f"- Boundary: {_text(cat.boundary)}")
            if cat.pfc:
                out.append(f"- Policy Frames Codebook: `{cat.pfc}`. {_text(cat.pfc_rationale or '')}".rstrip())
            if cat.specify:
                out.append("- The coder says what it is in `other_specification`.")
            if cat.no_evidence:
                out.append("- Needs no evidence.")
            if cat.example:
                out.append(f"- Example ({cat.example.kind}): \"{_text(cat.example.text)}\"")
            out.append("")
        if var.missing:
            out += ["Missing statuses:", "", *[f"- `{m}`: {_text(var.missing[m])}" for m in var.allowed_missing], ""]
        if var in cb.ordinal:
            out += [f"In the published tables `{var.name}` holds the levels only, as an ordered categorical; where it is "
                    f"missing it is empty and the status is in `{var.name}{STATUS_SUFFIX}` (Stata: extended missing values "
                    ".a, .b, .c).", ""]
    framing = cb.role("framing")
    out += [
        "## Crosswalk to the Policy Frames Codebook",
        "",
        f"Each `{framing.name}` category maps to one of the 15 generic frame dimensions of the Policy Frames Codebook "
        "(Boydstun, Card, Gross, Resnik and Smith 2014), numbered as in the Media Frames Corpus; the mapped "
        "dimension is exported as `framing_pfc`. Each mapping's reason is given with its category above.",
        "",
        table(["PFC", "Dimension", f"{framing.name} categories"],
              [[f.number, f"{f.label} (`{f.code}`)", ", ".join(f"`{c.code}`" for c in framing.categories if c.pfc == f.code)]
               for f in cb.pfc_frames]),
        "",
        "## Relation types",
        "",
        "Typed, directed links between cases (`annotations/relations.yaml`, table `relations`), each grounded in evidence.",
        "",
        table(["Code", "Label", "Points at", "Definition", "Decision rule"],
              [[f"`{r.code}`", r.label, "a case" if r.target == "case" else "the central party-state", r.definition, r.decision_rule]
               for r in cb.relation_types]),
        "",
        "## Event types",
        "",
        "Dated events of a case (the `events` of a case file, table `timeline`), each grounded in evidence.",
        "",
        table(["Code", "Label", "Definition"], [[f"`{e.code}`", e.label, e.definition] for e in cb.event_types]),
        "",
        "## Kinds of evidence",
        "",
        "The `kind` of every row of the `evidence` table.",
        "",
        table(["Code", "Label", "Definition"], [[f"`{t.code}`", t.label, _text(t.definition)] for t in cb.evidence_kinds]),
        "",
        "## Kinds of source",
        "",
        "The `kind` of every row of the `sources` table.",
        "",
        table(["Code", "Label", "Definition"], [[f"`{t.code}`", t.label, _text(t.definition)] for t in cb.source_kinds]),
        "",
        "## Tax parameters",
        "",
        "The `parameter` of every row of the `tax_design` table (`annotations/tax_design.yaml`).",
        "",
        table(["Code", "Label", "Definition"], [[f"`{t.code}`", t.label, _text(t.definition)] for t in cb.tax_parameters]),
        "",
        "## References",
        "",
        *[f"- {r.text}" for r in cb.references],
        "",
        "## Other tables",
        "",
    ]
    for name, tab in cb.tables.items():
        if name == "cases":
            continue
        out += [f"### {name}", "", tab.description, "", table(["Column", "Type", "Description"], [[f"`{c.name}`", c.type, c.description] for c in tab.columns]), ""]
    return "\n".join(out).rstrip() + "\n"


def problem_codes() -> str:
    """The list of problem codes with their meaning (docs/problem-codes.md)."""
    return "\n".join([
        "# Problem codes",
        "",
        "<!-- Generated from src/policyframes/problems.py by `policyframes build`; do not edit. -->",
        "",
        "Every problem `policyframes validate` reports carries one of these stable codes, in its text output",
        "(`[code]` at the end of the line) and as `code` in `--format json`. Match on the code: messages may be",
        "reworded. The prefix says which layer finds the problem: `file` and `yaml` (reading a file), `record`",
        "(one record against its model generated from the codebook), `source`, `case` and `coding` (rules of one",
        "file), one prefix per table for the rules across files, `codebook` (the codebook itself), and `locate`.",
        "",
        table(["Code", "Meaning"], [[f"`{code}`", meaning] for code, meaning in CODES.items()]),
    ]) + "\n"


def hf_features(codebook: Codebook, table_name: str) -> list[dict[str, Any]]:
    """Hugging Face features of a table, with ClassLabel names from the codebook (an
    ordinal variable's levels only: a missing value is null, its status in the
    companion column)."""
    if table_name != "cases":
        dtypes = {"date": "date32"}
        return [{"name": c.name, "list": "string"} if c.type == "list_string" else
                {"name": c.name, "dtype": {"class_label": {"names": {str(i): code for i, code in enumerate(codebook.terms(c.categories))}}}} if c.categories else
                {"name": c.name, "dtype": dtypes.get(c.type, c.type)}
                for c in codebook.tables[table_name].columns]
    features: list[dict[str, Any]] = []
    for var in codebook.variables:
        if var.type == "list_string":
            features.append({"name": var.name, "list": "string"})
        elif var.is_categorical:
            names = {str(i): code for i, code in enumerate(categories(codebook, var))}
            features.append({"name": var.name, "dtype": {"class_label": {"names": names}}})
            if var in codebook.ordinal:
                status = {str(i): code for i, code in enumerate(var.allowed_missing)}
                features.append({"name": var.name + STATUS_SUFFIX, "dtype": {"class_label": {"names": status}}})
        elif var.type == "date":
            features.append({"name": var.name, "dtype": "date32"})
        else:
            features.append({"name": var.name, "dtype": "string"})
    return features


def hf_card(codebook: Codebook, meta: DatasetMeta, tables: list[str], categorical: set[str], datacard: str, licences: list[str]) -> str:
    """The dataset card (build/README.md) with the YAML header that `datasets` reads.

    `categorical` are the tables read from their class-label copies in build/hf/;
    `licences` are those of source texts redistributed in full, besides the dataset's own.
    """
    header = {
        "pretty_name": meta.title,
        "license": [meta.licence.lower(), *licences],
        "language": LANGUAGES,
        "tags": list(meta.keywords),
        "size_categories": ["n<1K"],
        "configs": [{"config_name": t, "data_files": [{"split": "train", "path": f"{HF_DIR}/{t}.parquet" if t in categorical else f"{t}.parquet"}],
                     **({"default": True} if t == "cases" else {})} for t in tables],
        "dataset_info": [{"config_name": t, "features": hf_features(codebook, t)} for t in tables],
    }
    front = yaml.safe_dump(header, sort_keys=False, allow_unicode=True, width=1000)
    body = datacard.split("\n", 1)[1] if datacard.startswith("# ") else datacard
    body = body.replace(f"]({layout.BUILD}/", "](")  # the card lives in build/ itself
    return f"---\n{front}---\n\n# {meta.title}\n{body}"


BLOCK = re.compile(r"(<!-- generated:(?P<name>[a-z-]+) -->\n)(?:.*?\n)?(<!-- /generated:(?P=name) -->)", re.S)


def fill_blocks(text: str, blocks: dict[str, str]) -> str:
    """Replace each generated block of a document; unknown block names are an error."""
    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in blocks:
            raise KeyError(f"no generator for block {name!r}")
        return match.group(1) + blocks[name].strip("\n") + "\n" + match.group(3)

    return BLOCK.sub(replace, text)


def datacard_blocks(codebook: Codebook, meta: DatasetMeta, tables: dict[str, pd.DataFrame], extra: dict[str, Callable[[], str]] | None = None) -> dict[str, str]:
    """The generated blocks of DATACARD.md."""
    cases = tables["cases"]
    coded = [v.name for v in codebook.coded]
    role = {r.code: codebook.role(r.code).name for r in codebook.roles}
    blocks = {
        "release": f"Version **{meta.version}** (codebook {codebook.codebook_version}), released {meta.date_released}.",
        "dimensions": table(
            ["Dimension", "Level", "Categories"],
            [[f"`{v.name}`", v.level, ", ".join(f"`{c}`" for c in codebook.allowed(v.name))] for v in codebook.coded],
        ),
        "cases": listing(
            ["case_id", "Name", "Locality", "Type", "Unit", "Part of", "Start"], cases,
            lambda r: [f"`{r['case_id']}`", r[role["title"]], r[role["locality"]], r[role["policy_type"]], r[role["unit_type"]],
                       f"`{r[role['parent']]}`" if isinstance(r[role["parent"]], str) else "", r[role["start_date"]]], "cases", "cases",
        ),
        "matrix": listing(["case_id", *coded], cases, lambda r: [r["case_id"], *[r[d] for d in coded]], "cases", "cases"),
        "sources": listing(
            ["source_id", "Kind", "Author or issuer", "Title", "Document number", "Date", "Licence", "Stored"], tables["sources"],
            lambda r: [f"`{r['source_id']}`", r["kind"], ", ".join(r["authors"]), r["title"] or "[untitled]", r["document_number"] or "",
                       r["date"] or "n.d.", r["licence"], STORED[r["stored"]]],
            "sources", "sources",
        ),
        "evidence-kinds": evidence_by_kind(codebook, tables["evidence"], tables["sources"]),
        "tax-design": listing(
            ["Case", "Parameter", "Item", "Provision", "From", "To"], tables["tax_design"],
            lambda r: [f"`{r['case_id']}`", r["parameter"], r["item"], r["value"], r["valid_from"] or "", r["valid_to"] or ""],
            "rows", "tax_design",
        ),
        "conflicts": listing(
            ["Case", "On", "What the sources say", "Resolution"], tables["conflicts"],
            lambda r: [f"`{r['case_id']}`", r["subject"], r["claims"], r["resolution"]], "conflicts", "conflicts",
        ),
        "comparisons": listing(
            ["Comparison", "Cases", "Why compared"], tables["comparisons"].drop_duplicates("comparison_id"),
            lambda r: [f"`{r['comparison_id']}`", f"`{r['case_a']}`, `{r['case_b']}`", r["reason"]], "comparisons", "comparisons",
        ),
        "distributions": distributions(codebook, cases),
        "crosstabs": crosstabs(codebook, cases),
        "counts": table(["Table", "Rows", "Description"], [[f"`{n}`", len(df), codebook.tables[n].description] for n, df in tables.items()]),
        "relations": listing(
            ["From", "Relation", "To", "Date", "Confidence"], tables["relations"],
            lambda r: [f"`{r['from_case']}`", r["type"], f"`{r['to_case']}`" if isinstance(r["to_case"], str) else "the centre",
                       r["date"] if isinstance(r["date"], str) else "", r["confidence"]],
            "relations", "relations",
        ),
        "timeline": listing(
            ["Date", "Case", "Event", "What happened"], tables["timeline"].sort_values(["date_earliest", "case_id", "type"]),
            lambda r: [r["date"], f"`{r['case_id']}`", r["type"], r["description"]], "events", "timeline",
        ),
    }
    blocks["units"] = unit_counts(codebook, cases)
    blocks["case-identification"] = case_identification(tables["units"], cases)
    for name, make in (extra or {}).items():
        blocks[name] = make()
    return blocks


def unit_counts(codebook: Codebook, cases: pd.DataFrame) -> str:
    """Cases by unit type, and how many are independent units (no parent case)."""
    unit, parent = codebook.role("unit_type").name, codebook.role("parent").name
    rows = []
    for code in codebook.role("unit_type").codes:
        of_type = cases[cases[unit] == code]
        if len(of_type):
            rows.append([f"`{code}`", len(of_type), int(of_type[parent].isna().sum())])
    independent = int(cases[parent].isna().sum())
    return (table(["Unit type", "Cases", "Without a parent case"], rows)
            + f"\n\n{len(cases)} cases, of which {independent} have no parent case: count those, or the components "
            "of a package instead of the package, never both.")


def case_identification(units: pd.DataFrame, cases: pd.DataFrame) -> str:
    """Which cases each coder that identified units on its own found, and which units match no case."""
    if units.empty:
        return "No coder identified the cases on its own."
    out = []
    for coder, found in units.groupby("coder", sort=True):
        matched = set(found["case_id"].dropna())
        missed = sorted(set(cases["case_id"]) - matched)
        extra = found[found["case_id"].isna()]["unit_id"].tolist()
        out.append([coder, len(found), len(matched), len(cases), ", ".join(f"`{c}`" for c in missed) or "none",
                    ", ".join(f"`{u}`" for u in extra) or "none"])
    return table(["Coder", "Units found", "Cases matched", "Cases in the dataset", "Cases it did not find", "Units that are no case"], out)
