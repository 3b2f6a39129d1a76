"""Krippendorff's alpha: the published reference example, the reference implementation,
and the reliability of the dataset's two codings."""

from __future__ import annotations

import math
import random

import krippendorff
import numpy as np
import pytest

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


def test_dataset_has_two_coders_on_every_case_and_dimension() -> None:
    v = validate(ROOT)
    codings = v.tables.codings
    counts = codings.groupby(["case_id", "dimension"])["coder"].nunique()
    assert len(counts) == len(v.tables.cases) * len(v.ann.codebook.coded)
    assert (counts >= 2).all()
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
ADJ_FRAMING = """    adjudication:
      value: not_reported
      by: c1
      rationale: >-
        The passage says what the reforms involve, not the purpose under which Hangzhou
        presented them; under the sharpened rule (codebook 1.2.0) a description of content
        is not a framing, so the sources are silent.
"""


def test_reliability_command_prints_alpha_per_dimension(cli) -> None:
    status, out, _ = cli(ROOT, "reliability")
    assert status == 0
    for dimension in ("framing", "target_stratum", "target_scope", "collection_method", "mobilisation_level", "origin"):
        assert f"| {dimension} |" in out
    assert "Krippendorff's alpha" in out and "| hangzhou-model | framing | participatory_deliberative | not_reported | not_reported |" in out


def test_disagreement_needs_an_adjudication(repo, cli) -> None:
    from conftest import edit

    edit(repo / HZ, ADJ_FRAMING, "")
    status, _, err = cli(repo, "validate")
    assert status == 1
    assert f"{HZ}:19: codes.framing.adjudication: coders disagree (c1: 'participatory_deliberative', c2: 'not_reported')" in err


def test_adjudication_only_where_coders_disagree(repo, cli) -> None:
    from conftest import edit

    path = repo / "annotations/cases/chongqing-property-tax-2011.yaml"
    edit(path, "  target_stratum:\n    value: wealthy_elite\n", "  target_stratum:\n    adjudication: {value: wealthy_elite, by: c1, rationale: x}\n    value: wealthy_elite\n")
    status, _, err = cli(repo, "validate")
    assert status == 1 and "codes.target_stratum.adjudication.value: the coders do not disagree here" in err


def test_adjudicated_value_no_coder_gave_needs_evidence(repo, cli) -> None:
    from conftest import edit

    edit(repo / HZ, ADJ_FRAMING, ADJ_FRAMING.replace("value: not_reported", "value: responsiveness"))
    status, _, err = cli(repo, "validate")
    assert status == 1 and "'responsiveness' is no coder's value: give the adjudication its own evidence" in err


def test_second_coder_file_must_match_its_folder(repo, cli) -> None:
    from conftest import edit

    path = repo / "annotations/codings/c2/hangzhou-model.yaml"
    edit(path, "coder: c2", "coder: c1")
    status, _, err = cli(repo, "validate")
    assert status == 1 and "annotations/codings/c2/hangzhou-model.yaml:2: coder: coder 'c1' differs from the folder name 'c2'" in err
