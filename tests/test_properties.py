"""Property-based tests: random valid cases build and round-trip; mutated ones fail cleanly.

Cases are generated from the codebook (categories from `Codebook.allowed`) and the real
source texts (quotes are random passages, with the offsets computed from the text), and
written as YAML whose line numbers are known. A valid case must build, and the Parquet
tables read back with pandas must hold exactly the generated values. A case with one
random defect must fail validation with exit status 1 and a message naming the file,
the line of the defect and the field, and without any exception escaping the command.
"""

from __future__ import annotations

import contextlib
import io
import json
from datetime import date
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import ROOT, copy_repo
from policyframes.annotations import load_annotations
from policyframes.build import build
from policyframes.cli import main
from policyframes.codebook import MISSING
from policyframes.models import date_range

ANN = load_annotations(ROOT)
CB = ANN.codebook
TEXTS = {sid: source.text for sid, source in ANN.sources.items()}
CODERS = sorted(ANN.coders)
CODED = [v.name for v in CB.coded]
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])

# Text as people type it (any letters, marks, digits, punctuation, symbols and spaces).
TEXT = st.text(st.characters(codec="utf-8", categories=["L", "M", "N", "P", "S", "Zs"]), min_size=1, max_size=30)
CASE_ID = st.from_regex(r"gen-[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
DATE = st.one_of(
    st.integers(1950, 2020).map(str),
    st.tuples(st.integers(1950, 2020), st.integers(1, 12)).map(lambda ym: f"{ym[0]}-{ym[1]:02d}"),
    st.dates(min_value=date(1950, 1, 1), max_value=date(2020, 12, 31)).map(str),
    st.integers(195, 201).map(lambda decade: f"{decade}X"),
)


@st.composite
def evidence(draw: st.DrawFn, sources: list[str]) -> dict[str, Any]:
    """A verbatim passage of one of the case's sources, with its offsets."""
    source = draw(st.sampled_from(sources))
    text = TEXTS[source]
    start = draw(st.integers(0, len(text) - 3))
    passage = text[start : start + draw(st.integers(3, 150))]
    start += len(passage) - len(passage.lstrip())
    passage = passage.strip()
    assume(len(passage) >= 3)
    attribution = draw(st.sampled_from(CB.attribution_codes))
    return {"source": source, "quote": passage, "attribution": attribution, "start": start, "end": start + len(passage)}


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    """A valid case as parsed YAML, built from the codebook's variables."""
    sources = draw(st.lists(st.sampled_from(sorted(TEXTS)), min_size=1, max_size=len(TEXTS), unique=True))

    def quotes(value: str) -> list[dict[str, Any]]:
        return draw(st.lists(evidence(sources), min_size=0 if value in MISSING else 1, max_size=2))

    case: dict[str, Any] = {}
    for var in CB.variables:
        if var.name == "case_id":
            case[var.name] = draw(CASE_ID)
        elif var.name == "sources":
            case[var.name] = sources
        elif var.kind == "descriptive" and var.categories:
            case[var.name] = draw(st.sampled_from(CB.allowed(var.name)))
        elif var.kind == "descriptive":
            case[var.name] = draw(st.none() | TEXT) if var.name == "province" else draw(TEXT)
        elif var.kind == "fact":
            value = draw(st.sampled_from(MISSING) | (DATE if var.level == "date" else TEXT))
            case[var.name] = {"value": value, "evidence": quotes(value)}
    case["codes"] = {}
    for name in CODED:
        value = draw(st.sampled_from(CB.allowed(name)))
        case["codes"][name] = {"value": value, "coder": draw(st.sampled_from(CODERS)), "confidence": draw(st.integers(1, 3)),
                               "rationale": draw(TEXT), "evidence": quotes(value)}
    return case


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


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_repo(tmp_path_factory.mktemp("properties") / "repo")


def _place(root: Path, case_id: str, lines: list[str]) -> str:
    """Write the case as the only generated case file; return its path relative to root."""
    for old in (root / "annotations" / "cases").glob("gen-*"):
        old.unlink()
    rel = f"annotations/cases/{case_id}.yaml"
    (root / rel).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rel


def _plain(value: Any) -> Any:
    """A value read from Parquet as a plain Python value (missing values as None)."""
    if not isinstance(value, (list, tuple)) and pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _rows(rows: Any) -> list[tuple[Any, ...]]:
    return sorted((tuple(_plain(v) for v in row) for row in rows), key=repr)


@settings(SETTINGS, max_examples=12)
@given(case=cases())
def test_valid_cases_build_and_round_trip(workspace: Path, case: dict[str, Any]) -> None:
    _place(workspace, case["case_id"], to_yaml(case)[0])
    build(workspace)
    read = {name: pd.read_parquet(workspace / "build" / f"{name}.parquet") for name in ("cases", "codings", "evidence")}
    row = read["cases"].set_index("case_id").loc[case["case_id"]]

    for var in CB.variables:
        expected = case.get(var.name, case["codes"].get(var.name))
        if isinstance(expected, dict):
            expected = expected["value"]
        if var.name == "sources":
            assert list(row["sources"]) == expected
        elif var.name == "framing_pfc":
            assert row[var.name] == CB.pfc_of(case["codes"]["framing"]["value"])
        elif var.name != "case_id" and var.kind != "derived":
            assert _plain(row[var.name]) == expected, var.name
    start = case["start_date"]["value"]
    derived = (start, None, None) if start in MISSING else date_range(start)
    assert tuple(_plain(row[f"start_date_{part}"]) for part in ("precision", "earliest", "latest")) == derived

    codings = read["codings"][read["codings"]["case_id"] == case["case_id"]]
    columns = ["dimension", "coder", "value", "confidence", "rationale", "n_evidence"]
    assert _rows(codings[columns].itertuples(index=False)) == _rows(
        (name, c["coder"], c["value"], c["confidence"], c["rationale"].strip(), len(c["evidence"])) for name, c in case["codes"].items())

    evidence = read["evidence"][read["evidence"]["case_id"] == case["case_id"]]
    columns = ["dimension", "coder", "value", "source_id", "start", "end", "quote", "attribution"]
    coded = [*((v.name, case[v.name]) for v in CB.facts), *case["codes"].items()]
    assert _rows(evidence[columns].itertuples(index=False)) == _rows(
        (name, item.get("coder"), item["value"], e["source"], e["start"], e["end"], e["quote"], e["attribution"])
        for name, item in coded for e in item["evidence"])


# A mutation breaks a valid case in one place: (case, draw) -> (YAML lines, line of the
# defect, expected "field: message" fragment).
Mutation = Callable[[dict[str, Any], st.DrawFn], tuple[list[str], int, str]]


def _evidence_paths(case: dict[str, Any]) -> list[tuple[Any, ...]]:
    items = [(v.name,) for v in CB.facts] + [("codes", name) for name in CODED]
    return [path + ("evidence", i) for path in items for i in range(len(_at(case, path)["evidence"]))]


def _at(case: dict[str, Any], path: tuple[Any, ...]) -> Any:
    for part in path:
        case = case[part]
    return case


def _field(path: tuple[Any, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def unknown_category(case: dict[str, Any], draw: st.DrawFn) -> tuple[list[str], int, str]:
    name = draw(st.sampled_from(CODED))
    value = case["codes"][name]["value"]
    wrong = draw(st.sampled_from([value[:-1], value + "s", value.replace("_", "-"), value.upper()]))
    assume(wrong not in CB.allowed(name))
    case["codes"][name]["value"] = wrong
    lines, where = to_yaml(case)
    return lines, where[("codes", name, "value")], f"codes.{name}.value: {wrong!r} is not one of"


def shifted_offset(case: dict[str, Any], draw: st.DrawFn) -> tuple[list[str], int, str]:
    paths = _evidence_paths(case)
    assume(paths)
    path = draw(st.sampled_from(paths))
    item = _at(case, path)
    key, shift = draw(st.sampled_from([("start", 1), ("start", -1), ("end", -1), ("end", 1)]))
    item[key] += shift
    assume(0 <= item["start"] < item["end"] <= len(TEXTS[item["source"]]))
    lines, where = to_yaml(case)
    return lines, where[path + ("quote",)], f"{_field(path)}.quote: quote does not match the source text"


def offset_past_end(case: dict[str, Any], draw: st.DrawFn) -> tuple[list[str], int, str]:
    paths = _evidence_paths(case)
    assume(paths)
    path = draw(st.sampled_from(paths))
    item = _at(case, path)
    item["end"] = len(TEXTS[item["source"]]) + draw(st.integers(1, 1000))
    lines, where = to_yaml(case)
    return lines, where[path + ("end",)], f"{_field(path)}.end: offsets {item['start']}..{item['end']} are outside source"


def unknown_source(case: dict[str, Any], draw: st.DrawFn) -> tuple[list[str], int, str]:
    paths = _evidence_paths(case)
    assume(paths)
    path = draw(st.sampled_from(paths))
    _at(case, path)["source"] = "no-such-source"
    lines, where = to_yaml(case)
    return lines, where[path + ("source",)], f"{_field(path)}.source: source 'no-such-source' is not one of"


def missing_key(case: dict[str, Any], draw: st.DrawFn) -> tuple[list[str], int, str]:
    name = draw(st.sampled_from(CODED))
    key = draw(st.sampled_from(["value", "coder", "confidence", "rationale"]))
    del case["codes"][name][key]
    lines, where = to_yaml(case)
    return lines, where[("codes", name)], f"codes.{name}.{key}: required field is missing"


def wrong_type(case: dict[str, Any], draw: st.DrawFn) -> tuple[list[str], int, str]:
    name = draw(st.sampled_from(CODED))
    case["codes"][name]["confidence"] = draw(st.sampled_from(["high", "2", 2.5, True, None, [1]]))
    lines, where = to_yaml(case)
    return lines, where[("codes", name, "confidence")], f"codes.{name}.confidence: input should be a valid integer"


def unknown_key(case: dict[str, Any], draw: st.DrawFn) -> tuple[list[str], int, str]:
    name = draw(st.sampled_from(CODED))
    case["codes"][name]["confidance"] = 3
    lines, where = to_yaml(case)
    return lines, where[("codes", name, "confidance")], f"codes.{name}.confidance: 'confidance' is not an allowed key"


def duplicate_key(case: dict[str, Any], draw: st.DrawFn) -> tuple[list[str], int, str]:
    lines, where = to_yaml(case)
    path = draw(st.sampled_from([p for p in where if isinstance(p[-1], str) and not isinstance(_at(case, p), (dict, list))]))
    line = where[path]
    lines.insert(line, lines[line - 1].replace("- ", "  ", 1))
    return lines, line + 1, f"duplicate key {path[-1]!r} (first on line {line})"


def bad_date(case: dict[str, Any], draw: st.DrawFn) -> tuple[list[str], int, str]:
    value, message = draw(st.sampled_from([("2999-01-01", "is in the future"), ("2011-02-30", "is not a calendar date"),
                                           ("2011-13", "is not a calendar date"), ("Spring 2011", "is not a date")]))
    case["start_date"]["value"] = value
    lines, where = to_yaml(case)
    return lines, where[("start_date", "value")], f"start_date.value: {value!r} {message}"


def case_id_mismatch(case: dict[str, Any], draw: st.DrawFn) -> tuple[list[str], int, str]:
    stem = case["case_id"]
    case["case_id"] = stem + "-other"
    lines, where = to_yaml(case)
    return lines, where[("case_id",)], f"case_id: case id {case['case_id']!r} differs from the file name {stem!r}"


def tab_indent(case: dict[str, Any], draw: st.DrawFn) -> tuple[list[str], int, str]:
    lines, where = to_yaml(case)
    line = draw(st.sampled_from([n for n in where.values() if lines[n - 1].startswith("    ")]))
    lines[line - 1] = "\t" + lines[line - 1][2:]
    return lines, line, "(use spaces, not tabs, for indentation)"


def any_value_of_another_type(case: dict[str, Any], draw: st.DrawFn) -> tuple[list[str], int, str]:
    _, where = to_yaml(case)
    path = draw(st.sampled_from([p for p in where if isinstance(p[-1], str) and not isinstance(_at(case, p), (dict, list))]))
    old = _at(case, path)
    new = draw(st.sampled_from([7, 1.5, True, None, [], {"x": 1}, "text"]).filter(lambda v: type(v) is not type(old)))
    assume(not (path == ("province",) and new is None))
    _at(case, path[:-1])[path[-1]] = new
    lines, where = to_yaml(case)
    return lines, where[path], f"{_field(path)}: "


MUTATIONS: list[Mutation] = [unknown_category, shifted_offset, offset_past_end, unknown_source, missing_key, wrong_type,
                             any_value_of_another_type, unknown_key, duplicate_key, bad_date, case_id_mismatch, tab_indent]


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.__name__ for m in MUTATIONS])
@settings(SETTINGS, max_examples=5)
@given(case=cases(), data=st.data())
def test_mutated_cases_fail_cleanly(workspace: Path, mutation: Mutation, case: dict[str, Any], data: st.DataObject) -> None:
    stem = case["case_id"]
    lines, line, fragment = mutation(case, data.draw)
    rel = _place(workspace, stem, lines)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([f"--root={workspace}", "validate"])
    assert status == 1 and "internal error" not in err.getvalue(), out.getvalue() + err.getvalue()
    assert any(row.startswith(f"{rel}:{line}:") and fragment in row for row in err.getvalue().splitlines()), (
        f"{mutation.__name__}: expected {rel}:{line}: ... {fragment!r}; got:\n{err.getvalue()}\n" + "\n".join(lines))
