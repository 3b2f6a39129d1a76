"""Property-based tests: random valid cases build and round-trip; mutated ones fail cleanly.

Cases are generated from the codebook and the real source texts, in the case-file format
of codebook 2.0: descriptive variables by their type, nullability, categories and roles;
facts with a confidence unless not_reported; each coded variable with a value among
those `Codebook.allowed` gives it, a runner-up, other_specification exactly for the
categories that ask for one, and evidence wherever a category needs it. Quotes are
random passages with the offsets computed from the text. A generated case has one
coding, so it says why (`single_coded:`); a case that codes a variable as
coded_in_components comes with a component case that names it as its parent_case. The
cases are written as YAML whose line numbers are known, into a repository with the real
codebook, sources and coders and no other case. A valid case must build, and the Parquet
tables read back with pandas must hold exactly the generated rows and values (categorical
columns as pandas categoricals over the codebook's categories, an ordinal variable's
missing status in its status column). A case with one random defect must fail
validation with exit status 1 and a problem naming the file, the line of the defect,
the field and the problem's code, and without any exception escaping the command.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import ROOT, copy_repo
from policyframes.annotations import load_annotations
from policyframes.build import build
from policyframes.cli import main
from policyframes.codebook import MISSING, STATUS_SUFFIX, Variable
from policyframes.models import ID_PATTERN, date_range

pytestmark = pytest.mark.slow

ANN = load_annotations(ROOT)
CB = ANN.codebook
TEXTS = {sid: source.text for sid, source in ANN.sources.items() if source.text is not None}  # the stored texts: quotes need one
CODERS = sorted(ANN.coders)
CODED = [v.name for v in CB.coded]
FACTS = [v.name for v in CB.facts]
ROLE = {r.code: CB.role(r.code).name for r in CB.roles}
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])

# Only a package or a governing style has components coded as cases of their own (the
# codebook's rule for coded_in_components).
COMPONENT_UNIT_TYPES = ("package", "governing_style")
assert set(COMPONENT_UNIT_TYPES) <= set(CB.role("unit_type").codes)
# The second frame is never the framing itself, and is not_reported when the framing is
# (its entry in the codebook).
SECOND_FRAME = {"framing_secondary"} & set(CODED)
# The codebook's category examples: validation refuses a quote that equals, contains or
# is contained in one.
EXAMPLES = [" ".join(c.example.text.split()) for v in CB.variables for c in v.categories if c.example]

# Text as people type it (any letters, marks, digits, punctuation, symbols and spaces),
# never only spaces.
TEXT = st.text(st.characters(codec="utf-8", categories=["L", "M", "N", "P", "S", "Zs"]), min_size=1, max_size=30).filter(str.strip)
IDENTIFIER = st.from_regex(ID_PATTERN.replace("+", "{1,6}").replace("*", "{0,2}"), fullmatch=True)
CASE_ID = st.from_regex(r"gen-[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
COMPONENT = "-part"  # a component case's id: its parent's id and this
DATE = st.one_of(
    st.integers(1950, 2020).map(str),
    st.tuples(st.integers(1950, 2020), st.integers(1, 12)).map(lambda ym: f"{ym[0]}-{ym[1]:02d}"),
    st.dates(min_value=date(1950, 1, 1), max_value=date(2020, 12, 31)).map(str),
    st.integers(195, 201).map(lambda decade: f"{decade}X"),
)


def _in_example(quote: str) -> bool:
    normal = " ".join(quote.split())
    return any(normal in text for text in EXAMPLES)


def _is_example(quote: str) -> bool:
    normal = " ".join(quote.split())
    return any(normal in text or text in normal for text in EXAMPLES)


@st.composite
def evidence(draw: st.DrawFn, sources: list[str]) -> dict[str, Any]:
    """A verbatim passage of one of the case's sources, with its offsets."""
    source = draw(st.sampled_from(sources))
    text = TEXTS[source]
    start = draw(st.integers(0, len(text) - 3))
    end = start + draw(st.integers(3, 150))
    while end < len(text) and _in_example(text[start:end]):  # a passage that an example contains is lengthened
        end += 1
    passage = text[start:end]
    start += len(passage) - len(passage.lstrip())
    passage = passage.strip()
    assume(len(passage) >= 3 and not _is_example(passage))
    attribution = draw(st.sampled_from(CB.attribution_codes))
    return {"source": source, "quote": passage, "attribution": attribution, "start": start, "end": start + len(passage)}


def _descriptive(draw: st.DrawFn, var: Variable) -> Any:
    """A value of a descriptive variable other than the id, sources and parent, by its declaration."""
    if var.type == "list_string":
        value: Any = draw(st.lists(TEXT, min_size=1, max_size=3))
    elif var.categories:
        value = draw(st.sampled_from(CB.allowed(var.name)))
    elif var.level == "identifier":
        value = draw(IDENTIFIER)
    else:
        value = draw(TEXT)
    return draw(st.none()) if var.nullable and draw(st.booleans()) else value


@st.composite
def cases(draw: st.DrawFn, case_id: str | None = None, parent: str | None = None, components: bool = False) -> dict[str, Any]:
    """A valid case file as parsed YAML, built from the codebook's variables. `parent`: the
    case it is a component of; `components`: whether a component case names it as parent."""
    sources = draw(st.lists(st.sampled_from(sorted(TEXTS)), min_size=1, max_size=len(TEXTS), unique=True))

    def quotes(required: bool) -> list[dict[str, Any]]:
        return draw(st.lists(evidence(sources), min_size=1 if required else 0, max_size=2))

    case: dict[str, Any] = {}
    for var in CB.variables:
        if var.kind != "descriptive":
            continue
        if "id" in var.roles:
            case[var.name] = case_id or draw(CASE_ID)
        elif "sources" in var.roles:
            case[var.name] = sources
        elif "parent" in var.roles:
            case[var.name] = parent
        elif "unit_type" in var.roles and components:
            case[var.name] = draw(st.sampled_from(COMPONENT_UNIT_TYPES))
        else:
            case[var.name] = _descriptive(draw, var)
    case["single_coded"] = draw(TEXT)
    case["facts"] = {}
    for var in CB.facts:
        value = draw(st.sampled_from(var.allowed_missing) | (DATE if var.level == "date" else TEXT))
        if value in MISSING:
            case["facts"][var.name] = {"value": value, "evidence": quotes(False)}
        else:
            case["facts"][var.name] = {"value": value, "confidence": draw(st.integers(1, 3)), "evidence": quotes(True)}
    case["codes"] = {}
    coder = draw(st.sampled_from(CODERS))  # a case file holds one coder's coding
    for var in CB.coded:
        allowed = [v for v in CB.allowed(var.name) if components or v != "coded_in_components"]
        if var.name in SECOND_FRAME:
            framing = case["codes"][ROLE["framing"]]["value"]
            allowed = ["not_reported"] if framing in MISSING else [v for v in allowed if v not in (framing, *MISSING)]
        value = draw(st.sampled_from(allowed))
        category = var.category(value)
        coding: dict[str, Any] = {"value": value}
        if category is not None and category.specify:
            coding["other_specification"] = draw(TEXT)
        coding |= {
            "coder": coder,
            "confidence": draw(st.integers(1, 3)),
            "runner_up": draw(st.sampled_from([c for c in var.codes if c != value] + ["none"])),
            "rationale": draw(TEXT),
            "evidence": quotes(category is not None and not category.no_evidence),
        }
        case["codes"][var.name] = coding
    return case


@dataclass
class Generated:
    """A generated case file, and the component case that names it as parent, if any."""

    stem: str  # the case file's name: the generated case id, whatever a mutation does to it
    case: dict[str, Any]
    component: dict[str, Any] | None = None

    def files(self) -> list[dict[str, Any]]:
        return [self.case, *([self.component] if self.component is not None else [])]


@st.composite
def case_files(draw: st.DrawFn) -> Generated:
    """A case with no parent; with a component case when the case is a package or governing style that has one."""
    components = draw(st.booleans())
    case = draw(cases(components=components))
    component = draw(cases(case_id=case[ROLE["id"]] + COMPONENT, parent=case[ROLE["id"]])) if components else None
    return Generated(case[ROLE["id"]], case, component)


def _scalar(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)  # a JSON scalar is a YAML flow scalar


def to_yaml(case: dict[str, Any]) -> tuple[list[str], dict[tuple[Any, ...], int]]:
    """Block YAML lines for a case, and the line of every key and list item."""
    lines: list[str] = []
    where: dict[tuple[Any, ...], int] = {}

    def emit(node: dict[str, Any], path: tuple[Any, ...], indent: str) -> None:
        for key, value in node.items():
            where[path + (key,)] = len(lines) + 1
            if isinstance(value, dict):
                lines.append(f"{indent}{key}:")
                emit(value, path + (key,), indent + "  ")
            elif value and isinstance(value, list) and isinstance(value[0], dict):
                lines.append(f"{indent}{key}:")
                for i, item in enumerate(value):
                    where[path + (key, i)] = len(lines) + 1
                    for j, (k, v) in enumerate(item.items()):
                        where[path + (key, i, k)] = len(lines) + 1
                        lines.append(f"{indent}  {'- ' if j == 0 else '  '}{k}: {_scalar(v)}")
            else:
                lines.append(f"{indent}{key}: {_scalar(value)}")

    emit(case, (), "")
    return lines, where


# What a repository needs besides its cases: the real codebook, source texts, coders,
# case template and release metadata.
BARE = ("annotations/sources", "annotations/_template.yaml", "annotations/coders.yaml", "schema", "dataset.yaml", "DATACARD.md")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository whose only cases are the generated ones (so that every row read back
    is theirs, and a build is quick)."""
    root = copy_repo(tmp_path_factory.mktemp("properties") / "repo", BARE)
    (root / "annotations/cases").mkdir()
    (root / "annotations/relations.yaml").write_text("relations: []\n", encoding="utf-8")
    (root / "annotations/comparisons.yaml").write_text("comparisons: []\n", encoding="utf-8")
    return root


def _place(root: Path, generated: Generated, lines: list[str] | None = None) -> str:
    """Write the generated case files as the only generated ones (the case as `lines`,
    when given); return the case file's path relative to root."""
    folder = root / "annotations" / "cases"
    for old in folder.glob("gen-*"):
        old.unlink()
    (folder / f"{generated.stem}.yaml").write_text("\n".join(lines or to_yaml(generated.case)[0]) + "\n", encoding="utf-8")
    if generated.component is not None:
        component = generated.component
        (folder / f"{component[ROLE['id']]}.yaml").write_text("\n".join(to_yaml(component)[0]) + "\n", encoding="utf-8")
    return f"annotations/cases/{generated.stem}.yaml"


def _plain(value: Any) -> Any:
    """A value read from Parquet as a plain Python value (missing values as None)."""
    if not isinstance(value, (list, tuple)) and pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _rows(rows: Any) -> list[tuple[Any, ...]]:
    return sorted((tuple(_plain(v) for v in row) for row in rows), key=repr)


def _final(case: dict[str, Any], name: str) -> Any:
    """The value of a variable in the case's row of the cases table."""
    if name in case["codes"]:
        return case["codes"][name]["value"]
    if name in case["facts"]:
        return case["facts"][name]["value"]
    return case[name]


def _categories(var: Variable) -> pd.CategoricalDtype:
    """The categories of a categorical column: an ordinal variable's levels (ordered),
    otherwise every value the codebook allows."""
    if var in CB.ordinal:
        return pd.CategoricalDtype(var.codes, ordered=True)
    return pd.CategoricalDtype(CB.allowed(var.name), ordered=False)


def _check_case_row(row: pd.Series, case: dict[str, Any]) -> None:
    assert row.name == case[ROLE["id"]]
    for var in CB.variables:
        if var.kind == "derived" or "id" in var.roles:
            continue
        expected = _final(case, var.name)
        if var.type == "list_string":
            assert list(row[var.name]) == expected, var.name
        elif var in CB.ordinal:  # the level, or empty and the missing status in the status column
            assert _plain(row[var.name]) == (None if expected in MISSING else expected), var.name
            assert _plain(row[var.name + STATUS_SUFFIX]) == (expected if expected in MISSING else None), var.name
        else:
            assert _plain(row[var.name]) == expected, var.name
    assert row["framing_pfc"] == CB.pfc_of(_final(case, ROLE["framing"]))
    start = _final(case, ROLE["start_date"])
    derived = (start, None, None) if start in MISSING else date_range(start)
    assert tuple(_plain(row[f"{ROLE['start_date']}_{part}"]) for part in ("precision", "earliest", "latest")) == derived


@settings(SETTINGS, max_examples=12)
@given(generated=case_files())
def test_valid_cases_build_and_round_trip(workspace: Path, generated: Generated) -> None:
    _place(workspace, generated)
    build(workspace)
    read = {name: pd.read_parquet(workspace / "build" / f"{name}.parquet") for name in ("cases", "codings", "facts", "evidence")}

    for var in CB.categorical:
        assert read["cases"][var.name].dtype == _categories(var), var.name
    for var in CB.ordinal:
        assert read["cases"][var.name + STATUS_SUFFIX].dtype == pd.CategoricalDtype(var.allowed_missing), var.name

    files = generated.files()
    cases = read["cases"].set_index("case_id")
    assert sorted(cases.index) == sorted(case[ROLE["id"]] for case in files)
    for case in files:
        _check_case_row(cases.loc[case[ROLE["id"]]], case)

    # Every row of the tables is one of the generated cases', and every value is as generated.
    columns = ["case_id", "dimension", "coder", "value", "other_specification", "runner_up", "confidence", "rationale", "n_evidence"]
    assert _rows(read["codings"][columns].itertuples(index=False)) == _rows(
        (case[ROLE["id"]], name, c["coder"], c["value"], c.get("other_specification"), c["runner_up"], c["confidence"],
         c["rationale"].strip(), len(c["evidence"])) for case in files for name, c in case["codes"].items())

    columns = ["case_id", "fact", "coder", "value", "confidence", "n_evidence"]
    assert _rows(read["facts"][columns].itertuples(index=False)) == _rows(
        (case[ROLE["id"]], name, None, f["value"], f.get("confidence"), len(f["evidence"])) for case in files for name, f in case["facts"].items())

    columns = ["case_id", "record_type", "dimension", "coder", "value", "source_id", "start", "end", "quote", "attribution"]
    items = [(case[ROLE["id"]], kind, name, coder, item) for case in files for kind, name, coder, item in (
        *(("fact", name, None, item) for name, item in case["facts"].items()),
        *(("code", name, item["coder"], item) for name, item in case["codes"].items()))]
    assert _rows(read["evidence"][columns].itertuples(index=False)) == _rows(
        (case_id, kind, name, coder, item["value"], e["source"], e["start"], e["end"], e["quote"], e["attribution"])
        for case_id, kind, name, coder, item in items for e in item["evidence"])


@dataclass
class Expected:
    """What validation must report for a mutated case: the case's YAML lines, and a
    problem at the line and field of the defect, with its problem code (None when the
    kind of problem depends on the value) and the values the message must name."""

    lines: list[str]
    line: int
    field: str
    code: str | None
    names: tuple[str, ...] = ()

    def reported(self, rel: str, rows: list[str]) -> bool:
        head = f"{rel}:{self.line}: {self.field}: " if self.field else f"{rel}:{self.line}: "
        return any(row.startswith(head) and all(name in row for name in self.names)
                   and (self.code is None or row.endswith(f" [{self.code}]")) for row in rows)


# A mutation breaks a valid case in one place: (generated files, draw) -> what validation
# must report.
Mutation = Callable[[Generated, st.DrawFn], Expected]


def _evidence_paths(case: dict[str, Any]) -> list[tuple[Any, ...]]:
    items = [("facts", name) for name in FACTS] + [("codes", name) for name in CODED]
    return [path + ("evidence", i) for path in items for i in range(len(_at(case, path)["evidence"]))]


def _at(case: dict[str, Any], path: tuple[Any, ...]) -> Any:
    for part in path:
        case = case[part]
    return case


def _field(path: tuple[Any, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def _scalars(case: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The paths of every key with a scalar value."""
    _, where = to_yaml(case)
    return [p for p in where if isinstance(p[-1], str) and not isinstance(_at(case, p), (dict, list))]


def _at_key(case: dict[str, Any], path: tuple[Any, ...], code: str | None, *names: str, line_of: tuple[Any, ...] | None = None) -> Expected:
    """The case's YAML, with a problem expected at `path` (on the line of `line_of`, when given)."""
    lines, where = to_yaml(case)
    return Expected(lines, where[line_of or path], _field(path), code, names)


def unknown_category(g: Generated, draw: st.DrawFn) -> Expected:
    case = g.case
    name = draw(st.sampled_from(CODED))
    value = case["codes"][name]["value"]
    wrong = draw(st.sampled_from([value[:-1], value + "s", value.replace("_", "-"), value.upper()]))
    assume(wrong not in CB.allowed(name))
    case["codes"][name]["value"] = wrong
    return _at_key(case, ("codes", name, "value"), "record.not-one-of", repr(wrong))


def status_not_allowed(g: Generated, draw: st.DrawFn) -> Expected:
    """A missing status that the variable does not allow (a fact allows not_reported only)."""
    case = g.case
    choices = [(("codes", v.name), s) for v in CB.coded for s in MISSING if s not in v.allowed_missing]
    choices += [(("facts", v.name), s) for v in CB.facts for s in MISSING if s not in v.allowed_missing]
    path, status = draw(st.sampled_from(choices))
    _at(case, path)["value"] = status
    return _at_key(case, path + ("value",), "record.fact" if path[0] == "facts" else "record.not-one-of", status)


def shifted_offset(g: Generated, draw: st.DrawFn) -> Expected:
    case = g.case
    paths = _evidence_paths(case)
    assume(paths)
    path = draw(st.sampled_from(paths))
    item = _at(case, path)
    key, shift = draw(st.sampled_from([("start", 1), ("start", -1), ("end", -1), ("end", 1)]))
    item[key] += shift
    assume(0 <= item["start"] < item["end"] <= len(TEXTS[item["source"]]))
    return _at_key(case, path + ("quote",), "evidence.quote-mismatch", f"{item['start']}..{item['end']}")


def offset_past_end(g: Generated, draw: st.DrawFn) -> Expected:
    case = g.case
    paths = _evidence_paths(case)
    assume(paths)
    path = draw(st.sampled_from(paths))
    item = _at(case, path)
    item["end"] = len(TEXTS[item["source"]]) + draw(st.integers(1, 1000))
    return _at_key(case, path + ("end",), "evidence.outside-source", f"{item['start']}..{item['end']}")


def unknown_source(g: Generated, draw: st.DrawFn) -> Expected:
    case = g.case
    paths = _evidence_paths(case)
    assume(paths)
    path = draw(st.sampled_from(paths))
    _at(case, path)["source"] = "no-such-source"
    return _at_key(case, path + ("source",), "evidence.unknown-source", "'no-such-source'")


def missing_key(g: Generated, draw: st.DrawFn) -> Expected:
    case = g.case
    name = draw(st.sampled_from(CODED))
    key = draw(st.sampled_from(["value", "coder", "confidence", "runner_up", "rationale"]))
    del case["codes"][name][key]
    return _at_key(case, ("codes", name, key), "record.missing-key", line_of=("codes", name))


def wrong_type(g: Generated, draw: st.DrawFn) -> Expected:
    case = g.case
    name = draw(st.sampled_from(CODED))
    case["codes"][name]["confidence"] = draw(st.sampled_from(["high", "2", 2.5, True, None, [1]]))
    return _at_key(case, ("codes", name, "confidence"), "record.wrong-type", "integer")


def unknown_key(g: Generated, draw: st.DrawFn) -> Expected:
    case = g.case
    name = draw(st.sampled_from(CODED))
    case["codes"][name]["confidance"] = 3
    return _at_key(case, ("codes", name, "confidance"), "record.unknown-key", "'confidance'", "'confidence'")


def duplicate_key(g: Generated, draw: st.DrawFn) -> Expected:
    case = g.case
    lines, where = to_yaml(case)
    path = draw(st.sampled_from(_scalars(case)))
    line = where[path]
    lines.insert(line, lines[line - 1].replace("- ", "  ", 1))
    return Expected(lines, line + 1, _field(path), "yaml.duplicate-key", (repr(path[-1]), f"line {line}"))


def bad_date(g: Generated, draw: st.DrawFn) -> Expected:
    case = g.case
    value = draw(st.sampled_from(["2999-01-01", "2011-02-30", "2011-13", "Spring 2011"]))
    path = ("facts", ROLE["start_date"], "value")
    _at(case, path[:-1])["value"] = value
    return _at_key(case, path, "record.date", repr(value))


def case_id_mismatch(g: Generated, draw: st.DrawFn) -> Expected:
    case = g.case
    case[ROLE["id"]] = g.stem + "-other"
    return _at_key(case, (ROLE["id"],), "case.file-name", repr(case[ROLE["id"]]), repr(g.stem))


def tab_indent(g: Generated, draw: st.DrawFn) -> Expected:
    lines, where = to_yaml(g.case)
    line = draw(st.sampled_from([n for n in where.values() if lines[n - 1].startswith("    ")]))
    lines[line - 1] = "\t" + lines[line - 1][2:]
    return Expected(lines, line, "", "yaml.syntax", ("tab",))


def _accepts(path: tuple[Any, ...], value: Any) -> bool:
    """Whether a field of a case file takes this replacement value as valid, or rejects it
    elsewhere than at the field: an empty optional value, text for optional text."""
    if path == ("single_coded",):
        return value is None or isinstance(value, str)  # without it, the case is refused for its single coding
    var = CB.variable(path[0]) if len(path) == 1 else None
    return var is not None and var.nullable and (value is None or (isinstance(value, str) and var.level == "text"))


def any_value_of_another_type(g: Generated, draw: st.DrawFn) -> Expected:
    case = g.case
    path = draw(st.sampled_from(_scalars(case)))
    old = _at(case, path)
    new: Any = draw(st.sampled_from([7, 1.5, True, None, [], {"x": 1}, "text"]).filter(lambda v: type(v) is not type(old)))
    assume(not _accepts(path, new))
    _at(case, path[:-1])[path[-1]] = new
    return _at_key(case, path, None)  # the kind of problem depends on the field and the value


BLANK = st.sampled_from(["", " ", "   ", "\u3000", "\xa0", " \u2003 "])


def blank_text(g: Generated, draw: st.DrawFn) -> Expected:
    """A text that must say something (a rationale above all) holds only whitespace."""
    case = g.case
    paths: list[tuple[Any, ...]] = [
        ("codes", name, key) for name in CODED for key in ("rationale", "other_specification") if key in case["codes"][name]]
    paths += [("facts", name, "value") for name in FACTS] + [("single_coded",)]
    paths += [(v.name,) for v in CB.variables if v.kind == "descriptive" and v.level == "text" and case[v.name] is not None]
    path = draw(st.sampled_from(paths))
    _at(case, path[:-1])[path[-1]] = draw(BLANK)
    return _at_key(case, path, "record.blank")


def runner_up_is_value(g: Generated, draw: st.DrawFn) -> Expected:
    case = g.case
    names = [name for name in CODED if case["codes"][name]["value"] not in MISSING]
    assume(names)
    name = draw(st.sampled_from(names))
    case["codes"][name]["runner_up"] = case["codes"][name]["value"]
    return _at_key(case, ("codes", name, "runner_up"), "record.runner-up")


def other_specification_mismatch(g: Generated, draw: st.DrawFn) -> Expected:
    """other_specification left out for a category that asks for it, or given for a value that does not."""
    case = g.case
    name = draw(st.sampled_from(CODED))
    coding = case["codes"][name]
    value = coding["value"]
    category = CB.variable(name).category(value)
    path = ("codes", name, "other_specification")
    if category is not None and category.specify:
        del coding["other_specification"]
        return _at_key(case, path, "record.other-specification", repr(value), line_of=("codes", name))
    case["codes"][name] = {"value": value, "other_specification": draw(TEXT), **coding}
    return _at_key(case, path, "record.other-specification", repr(value))


def category_without_evidence(g: Generated, draw: st.DrawFn) -> Expected:
    case = g.case
    names = [name for name in CODED if (c := CB.variable(name).category(case["codes"][name]["value"])) and not c.no_evidence]
    assume(names)
    name = draw(st.sampled_from(names))
    case["codes"][name]["evidence"] = []
    return _at_key(case, ("codes", name, "evidence"), "record.needs-evidence", repr(case["codes"][name]["value"]))


def fact_without_confidence(g: Generated, draw: st.DrawFn) -> Expected:
    case = g.case
    names = [name for name in FACTS if "confidence" in case["facts"][name]]
    assume(names)
    name = draw(st.sampled_from(names))
    del case["facts"][name]["confidence"]
    return _at_key(case, ("facts", name, "confidence"), "record.fact", line_of=("facts", name))


def no_components(g: Generated, draw: st.DrawFn) -> Expected:
    """coded_in_components in a case that no other case names as its parent."""
    case = g.case
    name = draw(st.sampled_from([v.name for v in CB.coded if "coded_in_components" in v.allowed_missing]))
    case["codes"][name]["value"] = "coded_in_components"
    case["codes"][name].pop("other_specification", None)
    g.component = None
    return _at_key(case, ("codes", name), "cases.components", repr(g.stem))


def not_single_coded(g: Generated, draw: st.DrawFn) -> Expected:
    """One coding only, and no word on why."""
    del g.case["single_coded"]
    return _at_key(g.case, ("codes",), "cases.single-coding", "1 independent coding")


MUTATIONS: list[Mutation] = [unknown_category, status_not_allowed, shifted_offset, offset_past_end, unknown_source, missing_key,
                             wrong_type, any_value_of_another_type, unknown_key, duplicate_key, bad_date, case_id_mismatch,
                             tab_indent, blank_text, runner_up_is_value, other_specification_mismatch, category_without_evidence,
                             fact_without_confidence, no_components, not_single_coded]


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.__name__ for m in MUTATIONS])
@settings(SETTINGS, max_examples=5)
@given(generated=case_files(), data=st.data())
def test_mutated_cases_fail_cleanly(workspace: Path, mutation: Mutation, generated: Generated, data: st.DataObject) -> None:
    expected = mutation(generated, data.draw)
    rel = _place(workspace, generated, expected.lines)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([f"--root={workspace}", "validate"])
    assert status == 1 and "internal error" not in err.getvalue(), out.getvalue() + err.getvalue()
    assert expected.reported(rel, err.getvalue().splitlines()), (
        f"{mutation.__name__}: expected {rel}:{expected.line}: {expected.field}: ... naming {expected.names} [{expected.code}]; "
        f"got:\n{err.getvalue()}\n" + "\n".join(expected.lines))


WORDS = st.sampled_from(["a", "b", "c", "d", "é", "a\0b", ""])


@given(st.lists(st.one_of(st.none(), WORDS), max_size=30), st.sets(WORDS, max_size=5), st.sampled_from(["str", "object"]))
def test_the_table_rules_membership_is_pandas_isin(values: list[str | None], allowed: set[str], dtype: str) -> None:
    """checks.member, Arrow's lookup that the table rules use, gives what Series.isin gives."""
    from policyframes.checks import member

    series = pd.Series(values, dtype=dtype, index=range(10, 10 + len(values)))
    pd.testing.assert_series_equal(member(series, allowed), series.isin(allowed))
