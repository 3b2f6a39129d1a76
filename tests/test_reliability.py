"""Krippendorff's alpha: the published reference example, the reference implementation,
and the reliability of the dataset's three codings."""

from __future__ import annotations

import math
import random
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from policyframes.build import validate
from policyframes.reliability import alpha, bootstrap_interval, disagreements, percent_agreement, reliability

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": four coders (rows),
# twelve units (columns), None where a coder gave no value.
EXAMPLE = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def _units(coders_by_units: list[list]) -> list[list]:
    return [list(unit) for unit in zip(*coders_by_units)]


def test_published_example_reproduces() -> None:
    units = _units(EXAMPLE)
    assert round(alpha(units, "nominal"), 3) == 0.743
    assert round(alpha(units, "ordinal", order=[1, 2, 3, 4, 5]), 3) == 0.815
    assert round(alpha(units, "interval"), 3) == 0.849


@pytest.mark.parametrize("seed", range(20))
def test_alpha_equals_the_reference_implementation_on_random_data(seed: int) -> None:
    rng = random.Random(seed)
    coders, n_units, n_values = rng.randint(2, 5), rng.randint(5, 40), rng.randint(2, 6)
    data = [[rng.randint(1, n_values) if rng.random() > 0.25 else None for _ in range(n_units)] for _ in range(coders)]
    array = np.array([[np.nan if v is None else v for v in row] for row in data], dtype=float)
    units = _units(data)
    for level in ("nominal", "ordinal", "interval"):
        ours = alpha(units, level, order=list(range(1, n_values + 1)) if level == "ordinal" else None)
        try:
            theirs = krippendorff.alpha(reliability_data=array, level_of_measurement=level,
                                        value_domain=list(range(1, n_values + 1)))
        except ValueError:
            theirs = None
        if ours is None or theirs is None or math.isnan(theirs):
            assert ours is None and (theirs is None or math.isnan(theirs)), (level, ours, theirs)
        else:
            assert ours == pytest.approx(theirs, abs=1e-9), level


def test_alpha_undefined_without_variation_or_pairs() -> None:
    assert alpha([["a", "a"], ["a", "a"]]) is None
    assert alpha([["a", None], [None, "b"]]) is None
    assert percent_agreement([["a", "a"], ["a", "b"]]) == 0.5


def test_bootstrap_interval_is_reproducible_and_brackets_alpha() -> None:
    units = _units(EXAMPLE)
    first = bootstrap_interval(units, "nominal")
    assert first == bootstrap_interval(units, "nominal")
    assert first[0] <= alpha(units, "nominal") <= first[1]


def test_dataset_has_two_coders_or_more_on_every_case_and_dimension() -> None:
    """The first eleven cases have three coders (c1, c2, c3); the cases added in 2.1.0 two
    (c1 and the blind c4). The adjudicators code no case."""
    v = validate(ROOT)
    codings = v.tables.codings
    counts = codings.groupby(["case_id", "dimension"])["coder"].nunique()
    assert len(counts) == len(v.tables.cases) * len(v.ann.codebook.coded)
    coders = codings.groupby("case_id")["coder"].agg(lambda c: frozenset(c))
    assert set(coders) == {frozenset({"c1", "c2", "c3"}), frozenset({"c1", "c4"})}
    assert (counts >= 2).all() and (coders == frozenset({"c1", "c4"})).sum() >= 20
    assert set(v.ann.coders) == {"c1", "c2", "c3", "c4", "a1", "a2"}
    assert set(v.tables.adjudications["adjudicator"]) == {"a1", "a2"}
    results = {r.dimension: r for r in reliability(v.ann.codebook, codings)}
    assert set(results) == {var.name for var in v.ann.codebook.coded}
    assert results["mobilisation_level"].level == "ordinal"
    for r in results.values():
        assert r.units > 0 and r.agreement is not None


def test_every_disagreement_is_adjudicated() -> None:
    v = validate(ROOT)
    table = disagreements(v.tables.codings, v.tables.cases)
    adjudicated = set(zip(v.tables.adjudications["case_id"], v.tables.adjudications["dimension"]))
    assert set(zip(table["case_id"], table["dimension"])) == adjudicated


HZ = "annotations/cases/hangzhou-model.yaml"


def hz_adjudication(path: Path) -> str:
    """The text of the adjudication of Hangzhou's target_scope (c3 said not_reported, c1
    and c2 not_applicable; the adjudicator a1 decided not_applicable)."""
    text = path.read_text(encoding="utf-8")
    block = text[text.index("  target_scope:"):text.index("  collection_method:")]
    return block[block.index("    adjudication:"):]


@pytest.mark.slow
def test_reliability_command_prints_alpha_per_dimension(cli) -> None:
    status, out, _ = cli(ROOT, "reliability")
    assert status == 0
    for dimension in ("framing", "framing_secondary", "analyst_reading", "target_burden", "target_participants", "target_scope",
                      "collection_method", "mobilisation_level", "orchestration", "coercive_targeting", "origin"):
        assert f"| {dimension} |" in out
    n = len(pq.read_table(ROOT / "build" / "cases.parquet"))
    assert f"{n} cases, coders c1, c2, c3, c4." in out
    assert "| case_id | dimension | c1 | c2 | c3 | c4 | final |" in out
    assert "Krippendorff's alpha" in out and "| hangzhou-model | target_scope | not_applicable | not_applicable | not_reported |" in out


@pytest.mark.slow
def test_disagreement_needs_an_adjudication(repo, cli) -> None:
    from conftest import edit, line_of

    path = repo / HZ
    edit(path, hz_adjudication(path), "")
    line = line_of(path, "  target_scope:")
    status, _, err = cli(repo, "validate")
    assert status == 1
    assert (f"{HZ}:{line}: codes.target_scope.adjudication: coders disagree "
            "(c1: 'not_applicable', c2: 'not_applicable', c3: 'not_reported')") in err


def test_adjudication_only_where_coders_disagree(repo, cli) -> None:
    from conftest import edit

    path = repo / "annotations/cases/chongqing-property-tax-2011.yaml"
    edit(path, "  target_burden:\n    value: wealthy\n", "  target_burden:\n    adjudication: {value: wealthy, by: a1, rationale: x}\n    value: wealthy\n")
    status, _, err = cli(repo, "validate")
    assert status == 1 and "codes.target_burden.adjudication.value: the coders do not disagree here" in err


def test_adjudicated_value_no_coder_gave_needs_evidence(repo, cli) -> None:
    from conftest import edit

    path = repo / HZ
    adjudication = hz_adjudication(path)
    edit(path, adjudication, adjudication.replace("value: not_applicable", "value: future_acquirers_only"))
    status, _, err = cli(repo, "validate")
    assert status == 1 and "'future_acquirers_only' is no coder's value: give the adjudication its own evidence" in err


@pytest.mark.slow
def test_adjudicator_codes_neither_side(repo, cli) -> None:
    from conftest import edit

    path = repo / HZ
    adjudication = hz_adjudication(path)
    edit(path, adjudication, adjudication.replace("by: a1", "by: c3"))
    status, _, err = cli(repo, "validate")
    assert status == 1 and "'c3' coded this case and variable" in err


def test_missing_statuses_are_missing_data_not_categories() -> None:
    """Agreement and alpha count only units where two coders gave a category; whether
    the value is missing at all is agreed on separately."""
    v = validate(ROOT)
    rows = [("u1", "c1", "redistribution"), ("u1", "c2", "redistribution"),
            ("u2", "c1", "redistribution"), ("u2", "c2", "law_and_order"),
            ("u3", "c1", "not_reported"), ("u3", "c2", "law_and_order"),
            ("u4", "c1", "not_reported"), ("u4", "c2", "not_applicable")]
    codings = pd.DataFrame(rows, columns=["case_id", "coder", "value"]).assign(dimension="framing")
    framing = next(r for r in reliability(v.ann.codebook, codings) if r.dimension == "framing")
    assert framing.units == 2 and framing.agreement == 0.5
    assert framing.missing_agreement == 0.75
    assert framing.alpha == alpha([["redistribution", "redistribution"], ["redistribution", "law_and_order"]], "nominal")


@pytest.mark.slow
def test_second_coder_file_must_match_its_folder(repo, cli) -> None:
    from conftest import edit

    path = repo / "annotations/codings/c2/hangzhou-model.yaml"
    edit(path, "coder: c2", "coder: c1")
    status, _, err = cli(repo, "validate")
    assert status == 1 and "annotations/codings/c2/hangzhou-model.yaml:2: coder: coder 'c1' differs from the folder name 'c2'" in err


# -- beyond the coded values, on hand-worked examples --------------------------------


def _codings(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["case_id", "dimension", "coder", "value"])


def test_confusion_counts_each_pair_of_coders_once_and_keeps_missing_statuses() -> None:
    from policyframes.reliability import confusion

    codings = _codings([("a", "x", "c1", "p"), ("a", "x", "c2", "p"), ("a", "x", "c3", "q"),
                        ("b", "x", "c1", "not_reported"), ("b", "x", "c2", "q")])
    matrix = confusion(codings, "x")
    # unit a: pairs (p, p), (p, q), (p, q); unit b: (not_reported, q)
    assert matrix.loc["p", "p"] == 1 and matrix.loc["p", "q"] == 2 and matrix.loc["q", "p"] == 2
    assert matrix.loc["not_reported", "q"] == 1 and matrix.loc["q", "q"] == 0


def test_span_overlap_is_the_character_f1() -> None:
    from policyframes.codebook import Codebook
    from policyframes.reliability import span_f1

    cb = Codebook.model_validate_json((ROOT / "build" / "codebook.json").read_text(encoding="utf-8"))
    evidence = pd.DataFrame([
        # c1 cites characters 0-9, c2 cites 5-14: 5 shared of 10 each, F1 = 2*5/20 = 0.5
        {"record_type": "code", "coder": "c1", "dimension": "framing", "case_id": "a", "source_id": "s", "start": 0, "end": 10},
        {"record_type": "code", "coder": "c2", "dimension": "framing", "case_id": "a", "source_id": "s", "start": 5, "end": 15},
        # the same characters of another source are other characters
        {"record_type": "code", "coder": "c1", "dimension": "origin", "case_id": "a", "source_id": "s", "start": 0, "end": 4},
        {"record_type": "code", "coder": "c2", "dimension": "origin", "case_id": "a", "source_id": "t", "start": 0, "end": 4},
    ]).assign(kind="quote")
    rows = {r[0]: r for r in span_f1(evidence, cb)}
    assert rows["framing"][1:] == ["1", "0.500"]
    assert rows["origin"][1:] == ["1", "0.000"]
    assert rows["target_scope"][1:] == ["0", "undefined"]


SPANS = st.lists(st.tuples(st.sampled_from(["c1", "c2", "c3"]), st.sampled_from(["s", "t"]), st.integers(0, 30), st.integers(0, 12)),
                 max_size=12)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(SPANS)
def test_span_overlap_counts_each_character_once_however_the_quotes_overlap(spans: list[tuple[str, str, int, int]]) -> None:
    """The F1 of merged spans equals that of the sets of characters the coders cite."""
    from policyframes.codebook import Codebook
    from policyframes.reliability import span_f1

    cb = Codebook.model_validate_json((ROOT / "build" / "codebook.json").read_text(encoding="utf-8"))
    evidence = pd.DataFrame(
        [{"record_type": "code", "coder": c, "dimension": "framing", "case_id": "a", "source_id": s, "start": x, "end": x + n}
         for c, s, x, n in spans],
        columns=["record_type", "coder", "dimension", "case_id", "source_id", "start", "end"],
    ).assign(kind="quote")
    chars = {c: {(s, k) for c2, s, x, n in spans if c2 == c for k in range(x, x + n)} for c in ("c1", "c2", "c3")}
    scores = [2 * len(chars[a] & chars[b]) / (len(chars[a]) + len(chars[b]))
              for a, b in (("c1", "c2"), ("c1", "c3"), ("c2", "c3")) if chars[a] and chars[b] and {a, b} <= set(evidence["coder"])]
    framing = next(r for r in span_f1(evidence, cb) if r[0] == "framing")
    assert framing[1] == str(len(scores))
    assert framing[2] == (f"{sum(scores) / len(scores):.3f}" if scores else "undefined")


def test_attributions_of_overlapping_quotes() -> None:
    from policyframes.reliability import attribution_agreement

    evidence = pd.DataFrame([
        {"case_id": "a", "coder": "c1", "source_id": "s", "start": 0, "end": 10, "attribution": "author_analysis"},
        {"case_id": "a", "coder": "c2", "source_id": "s", "start": 8, "end": 20, "attribution": "author_analysis"},
        {"case_id": "a", "coder": "c3", "source_id": "s", "start": 9, "end": 12, "attribution": "government_statement"},
        {"case_id": "a", "coder": "c1", "source_id": "s", "start": 30, "end": 40, "attribution": "media_report"},  # overlaps none
    ]).assign(kind="quote")
    # pairs: c1-c2 same, c1-c3 different, c2-c3 different
    assert attribution_agreement(evidence) == (3, 1 / 3)


def test_pooled_f1_of_what_coders_recorded() -> None:
    from policyframes.reliability import set_f1

    sets = {"c1": {"a": {("launch", "2011"), ("end", "2012")}}, "c2": {"a": {("launch", "2011")}, "b": {("launch", "2009")}}}
    # both: launch 2011 (2 x 1); each: 2 + 2 = 4 recorded
    assert set_f1(sets) == (4, 0.5)


def test_fact_agreement_on_reporting_and_on_the_value() -> None:
    from policyframes.reliability import fact_rows

    facts = pd.DataFrame([
        {"case_id": "a", "fact": "initiator", "coder": None, "value": "Bo Xilai"},
        {"case_id": "a", "fact": "initiator", "coder": "c2", "value": "bo  xilai"},
        {"case_id": "b", "fact": "initiator", "coder": None, "value": "not_reported"},
        {"case_id": "b", "fact": "initiator", "coder": "c2", "value": "The city"},
    ])
    assert fact_rows(facts, "c1") == [["initiator", "50.0%", "100.0%"]]


def test_the_recoding_is_counted_from_the_changelog() -> None:
    from policyframes.codebook import Codebook
    from policyframes.reliability import recoding

    cb = Codebook.model_validate_json((ROOT / "build" / "codebook.json").read_text(encoding="utf-8"))
    changelog = """## [9.0.0] - 2030-01-01
| case_id | old | new | reason |
|---|---|---|---|
| a | framing = x (3) | framing = y (3) | review row 4 |
| a | — | orchestration = none (2) | added |
| b | framing = x (3) | framing = z (3) | category renamed |
| b | lead_agency = x | design_agency = y | split |
## [8.0.0] - 2029-01-01
| c | framing = x | framing = y | older |
"""
    out = recoding(changelog, cb, "9.0.0")
    assert out.startswith("Recoding in release 9.0.0, from its changelog: 2 final codes changed, of which 1 for a category renamed")
    assert "1 citing a finding" in out and "; 1 values of new variables coded." in out
