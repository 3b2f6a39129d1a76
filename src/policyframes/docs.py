"""Documents generated from the codebook and the data: CODEBOOK.md, the JSON Schema,
the datacard's tables and the Hugging Face dataset card."""

from __future__ import annotations

import json
import re
from typing import Any, Callable

import pandas as pd
import yaml

from . import layout
from .codebook import MISSING, Codebook
from .meta import DatasetMeta
from .models import case_model

LANGUAGES = ["en", "zh"]  # of the dataset's text: English, with Chinese names


def cell(text: Any) -> str:
    """Text made safe for one cell of a Markdown table."""
    return " ".join(str(text).split()).replace("|", "\\|")


def table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


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


def codebook_markdown(codebook: Codebook) -> str:
    """The codebook rendered for reading."""
    cb = codebook
    out = [
        f"# {cb.title}",
        "",
        "<!-- Generated from schema/codebook.yaml by `policyframes build`; do not edit. -->",
        "",
        f"Codebook version **{cb.codebook_version}**.",
        "",
        " ".join(cb.description.split()),
        "",
        "## General rules",
        "",
        *[f"- **{r.id}**: {' '.join(r.rule.split())}" for r in cb.general_rules],
        "",
        "## Missing codes",
        "",
        "Every coded dimension also takes these two codes; they are distinct and never interchangeable.",
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
        " ".join(cb.quote_normalisation.split()),
        "",
        "## Variables",
        "",
        table(["Variable", "Label", "Kind", "Level"], [[f"[`{v.name}`](#{v.name})", v.label, v.kind, v.level] for v in cb.variables]),
        "",
    ]
    for var in cb.variables:
        out += [f"### {var.name}", "", f"**{var.label}** ({var.kind}, {var.level}). {' '.join(var.description.split())}", ""]
        if var.applies_when:
            out += [f"Applies when: {' '.join(var.applies_when.split())}", ""]
        if var.derived_from:
            out += [f"Derived from `{var.derived_from}`.", ""]
        for i, cat in enumerate(var.categories, 1):
            rank = f"{i}. " if var.level == "ordinal" else ""
            out += [f"#### `{cat.code}`: {rank}{cat.label.split(' ', 1)[-1] if rank else cat.label}", "", f"- Definition: {' '.join(cat.definition.split())}"]
            if cat.decision_rule:
                out.append(f"- Decision rule: {' '.join(cat.decision_rule.split())}")
            if cat.pfc:
                out.append(f"- Policy Frames Codebook: `{cat.pfc}`")
            if cat.example:
                out.append(f"- Example ({cat.example.source}): \"{' '.join(cat.example.quote.split())}\"")
            out.append("")
        if var.kind in ("coded",) or (var.kind == "derived" and var.level in ("nominal", "ordinal")):
            out += [f"Also takes the missing codes {', '.join(f'`{m}`' for m in MISSING)}.", ""]
    out += [
        "## Crosswalk to the Policy Frames Codebook",
        "",
        "Each `framing` category maps to one of the 15 generic frame dimensions of the Policy Frames Codebook "
        "(Boydstun, Card, Gross, Resnik and Smith 2014), numbered as in the Media Frames Corpus; the mapped "
        "dimension is exported as `framing_pfc`.",
        "",
        table(["PFC", "Dimension", "framing categories"],
              [[f.number, f"{f.label} (`{f.code}`)", ", ".join(f"`{c.code}`" for c in cb.variable("framing").categories if c.pfc == f.code)]
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
        "## Other tables",
        "",
    ]
    for name, tab in cb.tables.items():
        if name == "cases":
            continue
        out += [f"### {name}", "", tab.description, "", table(["Column", "Type", "Description"], [[f"`{c.name}`", c.type, c.description] for c in tab.columns]), ""]
    return "\n".join(out).rstrip() + "\n"


def hf_features(codebook: Codebook, table_name: str) -> list[dict[str, Any]]:
    """Hugging Face features of a table, with ClassLabel names from the codebook."""
    if table_name != "cases":
        dtypes = {"date": "date32"}
        return [{"name": c.name, "list": "string"} if c.type == "list_string" else {"name": c.name, "dtype": dtypes.get(c.type, c.type)}
                for c in codebook.tables[table_name].columns]
    features: list[dict[str, Any]] = []
    for var in codebook.variables:
        if var.name == "sources":
            features.append({"name": var.name, "list": "string"})
        elif var.level in ("nominal", "ordinal"):
            names = {str(i): code for i, code in enumerate(codebook.allowed(var.name))}
            features.append({"name": var.name, "dtype": {"class_label": {"names": names}}})
        elif var.level == "date" and var.kind == "derived":
            features.append({"name": var.name, "dtype": "date32"})
        else:
            features.append({"name": var.name, "dtype": "string"})
    return features


def hf_card(codebook: Codebook, meta: DatasetMeta, tables: list[str], datacard: str, licences: list[str]) -> str:
    """The dataset card (build/README.md) with the YAML header that `datasets` reads.

    `licences` are those of source texts redistributed in full, besides the dataset's own.
    """
    header = {
        "pretty_name": meta.title,
        "license": [meta.licence.lower(), *licences],
        "language": LANGUAGES,
        "tags": list(meta.keywords),
        "size_categories": ["n<1K"],
        "configs": [{"config_name": t, "data_files": [{"split": "train", "path": f"{t}.parquet"}], **({"default": True} if t == "cases" else {})} for t in tables],
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


MAX_ROWS = 100  # generated tables of the data list their first rows only, and say so


def listing(header: list[str], df: pd.DataFrame, row: Callable[[Any], list[Any]], what: str, table_name: str) -> str:
    """A table with one row per row of df (its first MAX_ROWS rows, and a sentence saying so)."""
    out = table(header, [row(r) for r in df.head(MAX_ROWS).itertuples()])
    if len(df) > MAX_ROWS:
        out += f"\n\nThe first {MAX_ROWS:,} of {len(df):,} {what} are listed; `build/{table_name}.parquet` has them all."
    return out


def datacard_blocks(codebook: Codebook, meta: DatasetMeta, tables: dict[str, pd.DataFrame], extra: dict[str, Callable[[], str]] | None = None) -> dict[str, str]:
    """The generated blocks of DATACARD.md."""
    cases = tables["cases"]
    coded = [v.name for v in codebook.coded]
    blocks = {
        "release": f"Version **{meta.version}** (codebook {codebook.codebook_version}), released {meta.date_released}.",
        "dimensions": table(
            ["Dimension", "Level", "Categories"],
            [[f"`{v.name}`", v.level, ", ".join(f"`{c}`" for c in codebook.allowed(v.name))] for v in codebook.coded],
        ),
        "cases": listing(
            ["case_id", "Name", "Locality", "Type", "Start"], cases,
            lambda r: [f"`{r.case_id}`", r.name_en, r.locality, r.policy_type, r.start_date], "cases", "cases",
        ),
        "matrix": listing(["case_id", *coded], cases, lambda r: [r.case_id, *[getattr(r, d) for d in coded]], "cases", "cases"),
        "sources": listing(
            ["source_id", "Author", "Title", "Venue", "Date", "Licence", "Full text in dataset"], tables["sources"],
            lambda r: [f"`{r.source_id}`", ", ".join(r.authors), r.title, r.venue, r.date, r.licence, "yes" if r.full_text_included else "no (quotes only)"],
            "sources", "sources",
        ),
        "counts": table(["Table", "Rows", "Description"], [[f"`{n}`", len(df), codebook.tables[n].description] for n, df in tables.items()]),
        "relations": listing(
            ["From", "Relation", "To", "Date"], tables["relations"],
            lambda r: [f"`{r.from_case}`", r.type, f"`{r.to_case}`" if isinstance(r.to_case, str) else "the centre", r.date if isinstance(r.date, str) else ""],
            "relations", "relations",
        ),
        "timeline": listing(
            ["Date", "Case", "Event", "What happened"], tables["timeline"].sort_values(["date_earliest", "case_id", "type"]),
            lambda r: [r.date, f"`{r.case_id}`", r.type, r.description], "events", "timeline",
        ),
    }
    for name, make in (extra or {}).items():
        blocks[name] = make()
    return blocks
