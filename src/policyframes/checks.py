"""Table-level checks (pandera) on the assembled tables.

Each check has an id; a failing row becomes a Problem located by the row's provenance
(`_file`, `_line`, `_field`) with a message written for the person who must fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import pandera.pandas as pa

from . import layout
from .annotations import Annotations
from .codebook import MISSING
from .problems import Problem, not_one_of
from .records import line_of
from .tables import Tables
from .textmatch import matches


@dataclass(frozen=True)
class Rule:
    """A row-wise condition with the YAML key it is about and a message for failures."""

    key: str
    test: Callable[[pd.DataFrame], pd.Series]
    message: Callable[[pd.Series], str]


def _isin(column: str, key: str, allowed: list[str], what: str = "") -> Rule:
    allowed_set = set(allowed)
    return Rule(key, lambda d: d[column].isin(allowed_set), lambda r: (what or "") + not_one_of(r[column], allowed))


def _schema(rules: list[Rule], unique: list[str] | None = None) -> pa.DataFrameSchema:
    checks = [pa.Check(rule.test, error=str(i)) for i, rule in enumerate(rules)]
    return pa.DataFrameSchema(checks=checks, unique=unique, strict=False)


def _run(table: str, df: pd.DataFrame, rules: list[Rule], unique: list[str] | None, problems: list[Problem]) -> None:
    if df.empty:
        return
    try:
        _schema(rules, unique).validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases.drop_duplicates(["check", "index"])
        for check, index in zip(failures["check"], failures["index"]):
            if index is None or pd.isna(index):
                continue
            row = df.loc[index]
            if check == "multiple_fields_uniqueness":
                key = ""
                message = f"duplicate {table} row: {', '.join(f'{c}={row[c]!r}' for c in unique or [])}"
            else:
                rule = rules[int(check)]
                key, message = rule.key, rule.message(row)
            field = ".".join(p for p in (row["_field"], key) if p)
            line = row["_lines"].get(key.split(".")[0], row["_line"])
            problems.append(Problem(row["_file"], int(line), field, message))


def check_tables(ann: Annotations, tables: Tables) -> list[Problem]:
    """Run every table-level check; return the problems found."""
    cb = ann.codebook
    problems: list[Problem] = []
    cases, codings, evidence = tables.cases, tables.codings, tables.evidence
    case_ids = set(cases["case_id"])
    # Cases whose file failed record validation are reported there; references to
    # them are not reported again.
    known_ids = sorted(case_ids | {Path(f).stem for f in ann.case_files})
    coded = [v.name for v in cb.coded]

    case_rules = [_isin(v.name, v.name, cb.allowed(v.name)) for v in cb.categorical]
    dims_coded = codings.groupby("case_id")["dimension"].agg(set).to_dict() if not codings.empty else {}
    case_rules.append(Rule(
        "codes",
        lambda d: d["case_id"].map(lambda c: set(coded) <= dims_coded.get(c, set())),
        lambda r: f"dimensions not coded: {', '.join(sorted(set(coded) - dims_coded.get(r['case_id'], set())))}",
    ))
    texts = {sid: s.text for sid, s in ann.sources.items()}
    case_rules.append(Rule(
        "sources",
        lambda d: d["sources"].map(lambda listed: set(listed) <= texts.keys()),
        lambda r: "; ".join("source " + not_one_of(s, sorted(texts)) for s in r["sources"] if s not in texts),
    ))
    case_rules.append(Rule(
        "sources",
        lambda d: d["sources"].map(lambda listed: len(set(listed)) == len(listed)),
        lambda r: f"sources listed twice: {', '.join(sorted({s for s in r['sources'] if list(r['sources']).count(s) > 1}))}",
    ))
    dup = cases["case_id"].duplicated(keep=False)
    for _, row in cases[dup].iterrows():
        others = cases[(cases["case_id"] == row["case_id"]) & (cases["_file"] != row["_file"])]["_file"].tolist()
        problems.append(Problem(row["_file"], int(row["_line"]), "case_id", f"duplicate case id {row['case_id']!r} (also in {', '.join(others)})"))
    _run("cases", cases, case_rules, None, problems)

    allowed_pairs = {(v.name, code) for v in cb.coded for code in cb.allowed(v.name)}
    coding_rules = [
        _isin("dimension", "", coded, "dimension "),
        _isin("coder", "coder", sorted(ann.coders), "coder "),
        Rule("value", lambda d: pd.Series([p in allowed_pairs for p in zip(d["dimension"], d["value"])], index=d.index),
             lambda r: not_one_of(r["value"], cb.allowed(r["dimension"]) if r["dimension"] in coded else [])),
        Rule("confidence", lambda d: d["confidence"].between(1, 3), lambda r: f"confidence {r['confidence']} is not 1, 2 or 3"),
        _isin("case_id", "", sorted(case_ids), "case "),
    ]
    _run("codings", codings, coding_rules, ["case_id", "dimension", "coder"], problems)
    _check_adjudications(ann, tables, problems)

    lengths = {sid: len(t) for sid, t in texts.items()}
    listed = dict(zip(cases["case_id"], cases["sources"]))
    known = evidence["source_id"].isin(texts.keys()) if not evidence.empty else pd.Series(dtype=bool)

    def inside(d: pd.DataFrame) -> pd.Series:
        n = d["source_id"].map(lengths)
        return ~known | ((d["start"] >= 0) & (d["end"] > d["start"]) & (d["end"] <= n))

    def quoted(d: pd.DataFrame) -> pd.Series:
        ok = [sid not in texts or matches(texts[sid], s, e, q)
              for sid, s, e, q in zip(d["source_id"], d["start"], d["end"], d["quote"])]
        return pd.Series(ok, index=d.index) | ~inside(d)

    evidence_rules = [
        _isin("source_id", "source", sorted(texts), "source "),
        Rule("end", inside, lambda r: f"offsets {r['start']}..{r['end']} are outside source {r['source_id']!r} ({lengths[r['source_id']]} characters)"),
        Rule("quote", quoted, lambda r: _mismatch(texts[r["source_id"]], r)),
        Rule("source", lambda d: pd.Series([t == "relation" or s not in texts or s in (listed.get(c) or ()) for c, s, t in zip(d["case_id"], d["source_id"], d["record_type"])], index=d.index),
             lambda r: f"source {r['source_id']!r} is not listed in the case's sources"),
        _isin("attribution", "attribution", cb.attribution_codes),
    ]
    _run("evidence", evidence, evidence_rules, None, problems)

    for i, comparison in enumerate(ann.comparisons):
        for k, case_id in enumerate(comparison.cases):
            if case_id not in known_ids:
                problems.append(Problem(layout.COMPARISONS, line_of(ann.comparisons_data, ("comparisons", i, "cases", k)),
                                        f"comparisons[{i}].cases[{k}]", "case " + not_one_of(case_id, known_ids)))
    comparison_rules = [
        _isin("dimension", "", coded, "dimension "),
        Rule("contrast",
             lambda d: d["value_a"].isna() | d["value_b"].isna() | ((d["value_a"] == d["value_b"]) == (d["contrast"] == "same")),
             lambda r: f"says {r['contrast']!r}, but the codes are {r['value_a']!r} and {r['value_b']!r}"),
    ]
    _run("comparisons", tables.comparisons, comparison_rules, ["comparison_id", "dimension"], problems)

    targets = {r.code: r.target for r in cb.relation_types}
    relation_rules = [
        _isin("from_case", "from", known_ids, "case "),
        Rule("to", lambda d: pd.Series([(targets.get(t) == "centre") == (c is None or c != c) for t, c in zip(d["type"], d["to_case"])], index=d.index),
             lambda r: f"a {r['type']!r} relation points at {'the centre: remove' if targets.get(r['type']) == 'centre' else 'a case: give'} `to`"),
        Rule("to", lambda d: d["to_case"].isna() | d["to_case"].isin(known_ids), lambda r: not_one_of(r["to_case"], known_ids).replace("'", "case '", 1)),
        Rule("to", lambda d: d["to_case"] != d["from_case"], lambda r: "a case cannot relate to itself"),
    ]
    _run("relations", tables.relations, relation_rules, ["relation_id"], problems)
    _run("timeline", tables.timeline, [], ["event_id"], problems)
    return problems


def _check_adjudications(ann: Annotations, tables: Tables, problems: list[Problem]) -> None:
    """Where coders disagree there must be an adjudication, and only there."""
    codings = tables.codings
    values: dict[tuple[str, str], dict[str, str]] = {}
    for case_id, dim, coder, value in zip(codings["case_id"], codings["dimension"], codings["coder"], codings["value"]):
        values.setdefault((case_id, dim), {})[coder] = value
    adjudicated = {(rec.case.case_id, v.name): getattr(rec.case.codes, v.name).adjudication
                   for rec in ann.cases for v in ann.codebook.coded}

    def disagree(key: tuple[str, str]) -> bool:
        return len(set(values.get(key, {}).values())) > 1

    def shown(key: tuple[str, str]) -> str:
        return ", ".join(f"{c}: {v!r}" for c, v in sorted(values.get(key, {}).items()))

    primary = codings[codings["_file"].str.startswith(layout.CASES_DIR + "/")]
    _run("codings", primary, [Rule(
        "adjudication",
        lambda d: pd.Series([not disagree(k) or adjudicated.get(k) is not None for k in zip(d["case_id"], d["dimension"])], index=d.index),
        lambda r: f"coders disagree ({shown((r['case_id'], r['dimension']))}): add an adjudication with value, by and rationale",
    )], None, problems)

    def grounded(d: pd.DataFrame) -> pd.Series:
        ok = []
        for key, value in zip(zip(d["case_id"], d["dimension"]), d["value"]):
            adj = adjudicated.get(key)
            ok.append(value in MISSING or value in values.get(key, {}).values() or bool(adj and adj.evidence))
        return pd.Series(ok, index=d.index)

    _run("adjudications", tables.adjudications, [
        Rule("value", lambda d: pd.Series([disagree(k) for k in zip(d["case_id"], d["dimension"])], index=d.index),
             lambda r: f"the coders do not disagree here ({shown((r['case_id'], r['dimension']))}): remove the adjudication"),
        Rule("value", grounded, lambda r: f"{r['value']!r} is no coder's value: give the adjudication its own evidence"),
        _isin("adjudicator", "by", sorted(ann.coders), "coder "),
    ], None, problems)


def _mismatch(text: str, row: Any) -> str:
    from .textmatch import NormalisedText

    found = NormalisedText(text).find_all(row["quote"])
    where = f"; it occurs at {', '.join(f'{s}..{e}' for s, e in found)} (run `policyframes locate`)" if found else "; the quote is not in the source"
    return f"quote does not match the source text at {row['start']}..{row['end']}{where}"
