"""Table-level checks (pandera) on the assembled tables.

Each check has an id; a failing row becomes a Problem located by the row's provenance
(`_file`, `_field`) with a message written for the person who must fix it. The line is
found by reading the failing row's file again: failures are rare, rows are many.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc

from . import layout
from .annotations import Annotations
from .codebook import MISSING
from .problems import Problem, not_one_of
from .quotes import COLUMNS as QUOTE_COLUMNS
from .records import line_of, path_at
from .rows import PROVENANCE
from .tables import Tables, rows_of
from .yamlsafe import YamlError, load_file

# pandera sets up its data-synthesis strategies from hypothesis whenever that is installed
# (a test dependency here): a third of a second that the checks, which synthesise nothing,
# need not pay. Marking hypothesis as absent while pandera loads makes it skip them; a
# hypothesis already imported (as in the tests) is left as it is.
_HIDDEN = "hypothesis" not in sys.modules
if _HIDDEN:
    sys.modules["hypothesis"] = None  # type: ignore[assignment]  # makes `import hypothesis` raise ImportError
try:
    import pandera.backends.pandas.builtin_checks  # noqa: F401  # loaded by the first check; it loads the strategies
    import pandera.pandas as pa
finally:
    if _HIDDEN:
        del sys.modules["hypothesis"]


@dataclass(frozen=True)
class Rule:
    """A row-wise condition with its problem code, the YAML key it is about and a
    message for failures."""

    code: str
    key: str
    test: Callable[[pd.DataFrame], pd.Series]
    message: Callable[[pd.Series], str]


def member(values: pd.Series, allowed: Collection[str]) -> pd.Series:
    """values.isin(allowed), by Arrow: pandas makes an Arrow scalar of every allowed value
    first, which costs more than the lookup itself when there are thousands of cases."""
    strings = pyarrow.string()
    found = pc.is_in(pyarrow.array(values, type=strings, from_pandas=True), value_set=pyarrow.array(list(allowed), type=strings))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index)


def _isin(code: str, column: str, key: str, allowed: list[str], what: str = "") -> Rule:
    allowed_set = set(allowed)
    return Rule(code, key, lambda d: member(d[column], allowed_set), lambda r: (what or "") + not_one_of(r[column], allowed))


_SLICE = 20_000  # rows turned into Python objects at a time


def _each(d: pd.DataFrame, columns: list[str], test: Callable[..., bool]) -> pd.Series:
    """test(*values) of every row, a slice of rows at a time (so that few values are
    Python objects at once)."""
    ok: list[bool] = []
    for start in range(0, len(d), _SLICE):
        part = d.iloc[start:start + _SLICE]
        ok += map(test, *(part[c].tolist() for c in columns))
    return pd.Series(ok, index=d.index, dtype=bool)


def _schema(rules: list[Rule], unique: list[str] | None = None) -> pa.DataFrameSchema:
    checks = [pa.Check(rule.test, error=str(i)) for i, rule in enumerate(rules)]
    return pa.DataFrameSchema(checks=checks, unique=unique, strict=False)


class _Lines:
    """The line of a key of the YAML mapping at a field of a file (the line of the
    field itself when the key is absent), read again from the file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.parsed: dict[str, Any] = {}

    def __call__(self, file: str, field: str, key: str = "") -> int:
        if file not in self.parsed:
            try:
                self.parsed[file] = load_file(self.root / file)
            except (OSError, YamlError):
                self.parsed[file] = None
        data = self.parsed[file]
        return line_of(data, path_at(data, ".".join(p for p in (field, key) if p)))


def _run(table: str, df: pd.DataFrame, rules: list[Rule], unique: list[str] | None, problems: list[Problem], lines: _Lines) -> None:
    if df.empty:
        return
    try:
        _schema(rules, unique).validate(df, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as errors:
        failures = errors.failure_cases.drop_duplicates(["check", "index"])
        for check, index, case in zip(failures["check"], failures["index"], failures["failure_case"]):
            if index is None or pd.isna(index):  # the check itself failed: a bug, never a pass
                raise RuntimeError(f"the {table} check {check} could not run: {case}") from errors
            row = df.loc[index]
            if check == "multiple_fields_uniqueness":
                key, code = "", f"{table}.duplicate"
                message = f"duplicate {table} row: {', '.join(f'{c}={row[c]!r}' for c in unique or [])}"
            else:
                rule = rules[int(check)]
                key, code, message = rule.key, rule.code, rule.message(row)
            field = ".".join(p for p in (row["_field"], key) if p)
            problems.append(Problem(row["_file"], lines(row["_file"], row["_field"], key), field, message, code))


@dataclass
class _Context:
    """What the rule builders share: the records, the tables and the ids they refer to."""

    ann: Annotations
    tables: Tables
    lines: _Lines
    problems: list[Problem]
    left_out: Collection[str]  # files whose rows are left out of every table but cases (their checks were kept)

    @property
    def cb(self) -> Any:
        return self.ann.codebook

    @cached_property
    def checked_cases(self) -> pd.DataFrame:
        """The rows of the cases table to check: those of the files not left out."""
        cases = self.tables.cases
        return cases[~member(cases["_file"], self.left_out)] if self.left_out else cases

    @cached_property
    def case_ids(self) -> set[str]:
        return set(self.tables.cases["case_id"])

    @cached_property
    def known_ids(self) -> list[str]:
        """The cases of the dataset, and those whose file failed record validation (reported
        there; references to them are not reported again)."""
        return sorted(self.case_ids | {Path(f).stem for f in self.ann.case_files})

    @cached_property
    def texts(self) -> dict[str, str | None]:
        return {sid: s.text for sid, s in self.ann.sources.items()}

    @cached_property
    def coded(self) -> list[str]:
        return [v.name for v in self.cb.coded]


def _case_rules(ctx: _Context) -> list[Rule]:
    cb, cases, codings, coded, texts, known_ids = ctx.cb, ctx.tables.cases, ctx.tables.codings, ctx.coded, ctx.texts, ctx.known_ids
    case_rules = [_isin("cases.not-one-of", v.name, v.name, cb.allowed(v.name)) for v in cb.categorical]
    pairs = codings[["case_id", "dimension"]].drop_duplicates()
    n_coded = pairs[member(pairs["dimension"], coded)].groupby("case_id").size()
    complete = set(n_coded.index[n_coded == len(coded)])

    def not_coded(case_id: str) -> str:
        return ", ".join(sorted(set(coded) - set(pairs.loc[pairs["case_id"] == case_id, "dimension"])))

    case_rules.append(Rule(
        "cases.not-coded", "codes",
        lambda d: member(d["case_id"], complete),
        lambda r: f"dimensions not coded: {not_coded(r['case_id'])}",
    ))
    src = cb.role("sources").name
    case_rules.append(Rule(
        "cases.unknown-source", src,
        lambda d: d[src].map(lambda listed: set(listed) <= texts.keys()),
        lambda r: "; ".join("source " + not_one_of(s, sorted(texts)) for s in r[src] if s not in texts),
    ))
    case_rules.append(Rule(
        "cases.source-twice", src,
        lambda d: d[src].map(lambda listed: len(set(listed)) == len(listed)),
        lambda r: f"sources listed twice: {', '.join(sorted({s for s in r[src] if list(r[src]).count(s) > 1}))}",
    ))
    parent = cb.role("parent").name
    parents = dict(zip(cases["case_id"].tolist(), cases[parent].tolist()))
    children = {p for p in parents.values() if isinstance(p, str)}
    case_rules.append(Rule(
        "cases.parent", parent,
        lambda d: d[parent].isna() | member(d[parent], known_ids),
        lambda r: "parent case " + not_one_of(r[parent], known_ids),
    ))
    case_rules.append(Rule(
        "cases.parent", parent,
        lambda d: d["case_id"].map(lambda c: not _in_cycle(c, parents)),
        lambda r: f"the parent_case links form a cycle: {' -> '.join(_cycle(r['case_id'], parents))}",
    ))
    for var in cb.coded:
        if "coded_in_components" in var.missing:
            case_rules.append(Rule(
                "cases.components", f"codes.{var.name}", _has_components(var.name, children),
                lambda r: f"coded_in_components needs component cases, but no case names {r['case_id']!r} as its parent_case",
            ))
    checked = ctx.checked_cases
    for _, row in checked[cases["case_id"].duplicated(keep=False).loc[checked.index]].iterrows():
        others = cases[(cases["case_id"] == row["case_id"]) & (cases["_file"] != row["_file"])]["_file"].tolist()
        ctx.problems.append(Problem(row["_file"], ctx.lines(row["_file"], ""), "case_id",
                                    f"duplicate case id {row['case_id']!r} (also in {', '.join(others)})", "cases.duplicate"))
    return case_rules


def _coding_rules(ctx: _Context) -> list[Rule]:
    cb, ann, coded = ctx.cb, ctx.ann, ctx.coded
    allowed_pairs = {(v.name, code) for v in cb.coded for code in cb.allowed(v.name)}
    return [
        _isin("codings.unknown-variable", "dimension", "", coded, "dimension "),
        *([_isin("codings.unknown-coder", "coder", "coder", sorted(ann.coders), "coder ")] if ann.coders else []),  # else coders.yaml is reported
        Rule("codings.not-one-of", "value", lambda d: _each(d, ["dimension", "value"], lambda dim, value: (dim, value) in allowed_pairs),
             lambda r: not_one_of(r["value"], cb.allowed(r["dimension"]) if r["dimension"] in coded else [])),
        Rule("codings.confidence", "confidence", lambda d: d["confidence"].between(1, 3), lambda r: f"confidence {r['confidence']} is not 1, 2 or 3"),
        _isin("codings.unknown-case", "case_id", "", ctx.known_ids, "case "),
    ]


def _evidence_rules(ctx: _Context) -> list[Rule]:
    cb, cases, evidence, texts, case_ids = ctx.cb, ctx.tables.cases, ctx.tables.evidence, ctx.texts, ctx.case_ids
    stored = ctx.ann.stored_texts()
    is_quote = (evidence["kind"] == "quote").to_numpy()
    listed = {f"{case_id}\0{sid}" for case_id, sids in zip(cases["case_id"].tolist(), cases["sources"]) for sid in sids or ()}
    return [
        _isin("evidence.unknown-source", "source_id", "source", sorted(texts), "source "),
        Rule("evidence.not-stored", "quote", lambda d: pd.Series(~is_quote, index=d.index) | ~member(d["source_id"], texts.keys() - stored.keys()),
             lambda r: f"the repository stores no text of source {r['source_id']!r}, so nothing can be quoted from it: "
             "give the evidence as a citation (a locator and a paraphrase in your own words) instead of a quote"),
        Rule("evidence.source-not-listed", "source", lambda d: (d["record_type"] == "relation") | ~member(d["source_id"], texts.keys())
             | ~member(d["case_id"], case_ids) | member(d["case_id"] + "\0" + d["source_id"], listed),
             lambda r: f"source {r['source_id']!r} is not listed in the case's sources"),
        _isin("evidence.unknown-attribution", "attribution", "attribution", cb.attribution_codes),
    ]


def _comparison_rules(ctx: _Context) -> list[Rule]:
    ann, known_ids = ctx.ann, ctx.known_ids
    for i, comparison in enumerate(ann.comparisons):
        for k, case_id in enumerate(comparison.cases):
            if case_id not in known_ids:
                ctx.problems.append(Problem(layout.COMPARISONS, line_of(ann.comparisons_data, ("comparisons", i, "cases", k)),
                                            f"comparisons[{i}].cases[{k}]", "case " + not_one_of(case_id, known_ids), "comparisons.unknown-case"))
    return [
        _isin("comparisons.unknown-variable", "dimension", "", ctx.coded, "dimension "),
        Rule("comparisons.contrast", "contrast",
             lambda d: d["value_a"].isna() | d["value_b"].isna() | (_contrast(d["value_a"], d["value_b"]) == d["contrast"]),
             lambda r: f"says {r['contrast']!r}, but the codes are {r['value_a']!r} and {r['value_b']!r}, "
             f"which are {_contrast(pd.Series([r['value_a']]), pd.Series([r['value_b']]))[0]!r}"),
    ]


def _relation_rules(ctx: _Context) -> list[Rule]:
    known_ids = ctx.known_ids
    targets = {r.code: r.target for r in ctx.cb.relation_types}
    return [
        _isin("relations.unknown-case", "from_case", "from", known_ids, "case "),
        Rule("relations.target", "to", lambda d: _each(d, ["type", "to_case"], lambda t, c: (targets.get(t) == "centre") == (c is None or c != c)),
             lambda r: f"a {r['type']!r} relation points at {'the centre: remove' if targets.get(r['type']) == 'centre' else 'a case: give'} `to`"),
        Rule("relations.unknown-case", "to", lambda d: d["to_case"].isna() | member(d["to_case"], known_ids), lambda r: not_one_of(r["to_case"], known_ids).replace("'", "case '", 1)),
        Rule("relations.target", "to", lambda d: d["to_case"] != d["from_case"], lambda r: "a case cannot relate to itself"),
    ]


def _tax_design_rules(ctx: _Context) -> list[Rule]:
    cases = ctx.tables.cases
    taxes = sorted(cases.loc[cases[ctx.cb.role("policy_type").name] == "property_tax", "case_id"])
    unread = set(ctx.known_ids) - ctx.case_ids  # their files' problems are reported there
    return [Rule("tax_design.unknown-case", "case_id", lambda d: member(d["case_id"], taxes) | member(d["case_id"], unread),
                 lambda r: f"case {r['case_id']!r} is no property-tax case of the dataset" + (f"; those are {', '.join(taxes)}" if taxes else ""))]


def _conflict_rules(ctx: _Context) -> list[Rule]:
    return [_isin("conflicts.unknown-case", "case_id", "case_id", ctx.known_ids, "case ")]


# One rule builder per table, with the columns that must be unique in it (a duplicate
# is the problem <table>.duplicate). The columns the codebook describes are checked
# first, by check_columns (a table whose columns differ is not rule-checked), and the
# adjudications after the codings, by _check_adjudications.
RULES: dict[str, tuple[Callable[[_Context], list[Rule]], list[str] | None]] = {
    "cases": (_case_rules, None),
    "codings": (_coding_rules, ["case_id", "dimension", "coder"]),
    "evidence": (_evidence_rules, None),
    "comparisons": (_comparison_rules, ["comparison_id", "dimension"]),
    "relations": (_relation_rules, ["relation_id"]),
    "timeline": (lambda ctx: [], ["event_id"]),
    "tax_design": (_tax_design_rules, ["design_id"]),
    "conflicts": (_conflict_rules, ["conflict_id"]),
}


def check_tables(ann: Annotations, tables: Tables, left_out: Collection[str] = ()) -> list[Problem]:
    """Check the columns the codebook describes, then run the rules (RULES) of every table whose
    columns agree with it, and the adjudication checks; return the problems found. The
    rows of the cases table of the files `left_out` (whose rows the other tables lack)
    are the other cases of the rules, but are not checked."""
    columns = check_columns(ann, tables)
    mismatched = {p.field.split(".")[1] for p in columns}  # their rules would look for columns that are not there
    ctx = _Context(ann, tables, _Lines(ann.root), [], left_out)
    for table, (build, unique) in RULES.items():
        if table not in mismatched:
            _run(table, ctx.checked_cases if table == "cases" else getattr(tables, table), build(ctx), unique, ctx.problems, ctx.lines)
        if table == "codings":
            _check_adjudications(ann, tables, ctx.checked_cases, ctx.problems, ctx.lines)
        if table == "evidence" and table not in mismatched:
            _check_quotes_read_whole(ann, tables.evidence, ctx.problems, ctx.lines)
    return ctx.problems + columns


def _check_quotes_read_whole(ann: Annotations, evidence: pd.DataFrame, problems: list[Problem], lines: _Lines) -> None:
    """The quote check of the files read whole (relations, tax design, conflicts); those of
    case and coding files are checked as each file is read."""
    whole = evidence[~evidence["_file"].str.startswith((layout.CASES_DIR + "/", layout.CODINGS_DIR + "/"))]
    for file, rows in whole.groupby("_file", sort=False):
        values = zip(*(rows[c].tolist() for c in QUOTE_COLUMNS))
        problems += ann.quotes.problems(str(file), [(f, k, s, _int(a), _int(b), q) for f, k, s, a, b, q in values],
                                   partial(lines, str(file)))


def _int(offset: Any) -> int | None:
    """An offset of a table that also holds citations (a float, NaN for a citation)."""
    return None if offset is None or offset != offset else int(offset)


def _contrast(a: pd.Series, b: pd.Series) -> pd.Series:
    """same or different where both values are categories, not_comparable where either is a missing status."""
    out = pd.Series(np.where(a.to_numpy() == b.to_numpy(), "same", "different"), index=a.index)
    return out.mask(member(a, MISSING).to_numpy() | member(b, MISSING).to_numpy(), "not_comparable")


def _has_components(name: str, children: set[str]) -> Callable[[pd.DataFrame], pd.Series]:
    """The test that a case coded coded_in_components on a variable has component cases."""
    return lambda d: (d[name] != "coded_in_components") | member(d["case_id"], children)


def _cycle(case_id: str, parents: dict[str, Any]) -> list[str]:
    """The chain of parent_case links from a case, up to the first repeated case."""
    chain = [case_id]
    while isinstance(parents.get(chain[-1]), str) and chain[-1] not in chain[:-1]:
        chain.append(parents[chain[-1]])
    return chain


def _in_cycle(case_id: str, parents: dict[str, Any]) -> bool:
    chain = _cycle(case_id, parents)
    return chain[-1] in chain[:-1] and chain[-1] == case_id


def check_columns(ann: Annotations, tables: Tables) -> list[Problem]:
    """A mismatch between the columns the codebook describes and those built is a
    problem of the codebook."""
    problems = []
    for table, built in tables.built.items():
        described = [c.name for c in ann.codebook.tables[table].columns]
        unbuilt = [c for c in described if built and c not in built]
        undescribed = sorted(built - set(described))
        line = line_of(ann.codebook_data, ("tables", table, "columns"))
        if unbuilt:
            problems.append(Problem(layout.CODEBOOK, line, f"tables.{table}.columns", f"no such column in the {table} table: {', '.join(unbuilt)}",
                                    "codebook.columns"))
        if undescribed:
            problems.append(Problem(layout.CODEBOOK, line, f"tables.{table}.columns", f"columns of the {table} table not described: {', '.join(undescribed)}",
                                    "codebook.columns"))
    return problems


def _check_adjudications(ann: Annotations, tables: Tables, cases: pd.DataFrame, problems: list[Problem], lines: _Lines) -> None:
    """Where coders disagree there must be an adjudication, and only there; a case (of
    `cases`, the rows to check) has two independent codings. A coding made to certify a
    coder (coders.yaml: certification) is compared, never adjudicated."""
    certifying = {c.id for c in ann.coders.values() if c.certification}
    codings = tables.codings[~member(tables.codings["coder"], certifying)]
    adjudicated = {(rec.case_id, dim): own_evidence for rec in ann.cases for dim, own_evidence in rec.adjudicated.items()}
    latest = codings[["case_id", "dimension", "coder", "value"]].drop_duplicates(["case_id", "dimension", "coder"], keep="last")
    n_values = latest.groupby(["case_id", "dimension"])["value"].nunique()
    split = set(n_values.index[n_values > 1])  # where the coders disagree
    values: dict[tuple[str, str], dict[str, str]] = {}  # each coder's value, where needed
    wanted = rows_of(latest, split | set(adjudicated))
    for case_id, dim, coder, value in zip(*(wanted[c].tolist() for c in wanted.columns)):
        values.setdefault((case_id, dim), {})[coder] = value

    def shown(key: tuple[str, str]) -> str:
        return ", ".join(f"{c}: {v!r}" for c, v in sorted(values.get(key, {}).items()))

    primary = codings.loc[codings["_file"].str.startswith(layout.CASES_DIR + "/"), ["case_id", "dimension", *PROVENANCE]]
    _run("codings", primary, [Rule(
        "codings.needs-adjudication", "adjudication",
        lambda d: _each(d, ["case_id", "dimension"], lambda c, dim: (c, dim) not in split or (c, dim) in adjudicated),
        lambda r: f"coders disagree ({shown((r['case_id'], r['dimension']))}): add an adjudication with value, by and rationale",
    )], None, problems, lines)

    def grounded(case_id: str, dim: str, value: str) -> bool:
        key = (case_id, dim)
        return value in MISSING or value in values.get(key, {}).values() or adjudicated.get(key, False)

    _run("adjudications", tables.adjudications, [
        Rule("adjudications.not-needed", "value", lambda d: _each(d, ["case_id", "dimension"], lambda c, dim: (c, dim) in split),
             lambda r: f"the coders do not disagree here ({shown((r['case_id'], r['dimension']))}): remove the adjudication"),
        Rule("adjudications.ungrounded", "value", lambda d: _each(d, ["case_id", "dimension", "value"], grounded), lambda r: f"{r['value']!r} is no coder's value: give the adjudication its own evidence"),
        *([_isin("adjudications.unknown-adjudicator", "adjudicator", "by", sorted(ann.coders), "coder ")] if ann.coders else []),
        Rule("adjudications.by-a-coder", "by", lambda d: _each(d, ["case_id", "dimension", "adjudicator"], lambda c, dim, by: by not in values.get((c, dim), {})),
             lambda r: f"{r['adjudicator']!r} coded this case and variable ({shown((r['case_id'], r['dimension']))}): "
             "an adjudication is made by a coder who coded neither side"),
    ], None, problems, lines)
    coders_per_case = codings.groupby(["case_id", "dimension"])["coder"].nunique().groupby("case_id").min()  # on every variable
    single = {rec.case_id for rec in ann.cases if rec.single_coded}
    _run("cases", cases, [Rule(
        "cases.single-coding", "codes",
        lambda d: d["case_id"].map(lambda c: coders_per_case.get(c, 0) >= 2 or c in single),
        lambda r: f"the case has {coders_per_case.get(r['case_id'], 0)} independent coding(s): add a second coder's file "
        f"(annotations/codings/<coder>/{r['case_id']}.yaml), or say `single_coded:` with the reason",
    )], None, problems, lines)
