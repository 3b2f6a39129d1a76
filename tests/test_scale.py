"""The code paths that keep large datasets fast give the same results as the plain ones:
reading in chunks and in parallel, quote checks in bulk, the bootstrap in bulk; the
loader stays light; generated tables stay short; the benchmark's synthetic data is valid.
(Timings are in benchmarks/, never in tests.)"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import random
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, edit, line_of
from policyframes.build import validate
from policyframes.markdown import MAX_ROWS, listing
from policyframes.quotes import QuoteCheck
from policyframes.records import path_at
from policyframes.reliability import alpha, bootstrap_interval
from policyframes.textmatch import NormalisedText, matches
from policyframes.yamlsafe import loads

pytestmark = pytest.mark.slow

annotations = importlib.import_module("policyframes.annotations")
CQ = "annotations/cases/chongqing-property-tax-2011.yaml"


def test_load_does_not_import_heavy_modules(tmp_path: Path) -> None:
    code = ("import sys, json, policyframes; policyframes.load('cases');"
            "print(json.dumps([m for m in ('datasets', 'pandera', 'mlcroissant') if m in sys.modules]))")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == []


def test_validate_loads_nothing_of_publishing_the_site_or_the_tests(tmp_path: Path) -> None:
    """`policyframes validate` imports the readers and the checks only: no writer, no site,
    no Hugging Face, and pandera without the hypothesis strategies it would set up."""
    heavy = ("policyframes.site", "policyframes.build", "policyframes.writers", "policyframes.croissant", "policyframes.stata",
             "policyframes.docs", "PIL", "datasets", "hypothesis")
    code = (f"import sys, json; from policyframes.cli import main; status = main(['--root', {str(ROOT)!r}, 'validate']);"
            f"print(json.dumps([status, [m for m in {heavy!r} if m in sys.modules]]))")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert json.loads(result.stdout.splitlines()[-1]) == [0, []]


def _read_in_parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(annotations, "CHUNK_FILES", 3)
    monkeypatch.setattr(annotations, "PARALLEL_FILES", 1)


def test_reading_in_parallel_chunks_gives_the_same_tables(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = validate(repo).tables.as_dict()
    _read_in_parallel(monkeypatch)
    chunked = validate(repo).tables.as_dict()
    assert list(chunked) == list(plain)
    for name, df in plain.items():
        pd.testing.assert_frame_equal(chunked[name], df, obj=name)


def test_reading_in_parallel_chunks_reports_the_same_problems(repo: Path, monkeypatch: pytest.MonkeyPatch, cli) -> None:
    edit(repo / CQ, "start: 5886", "start: 5885")
    edit(repo / "annotations/cases/hangzhou-model.yaml", "    coder: c1\n", "    coder: c9\n")
    plain = cli(repo, "validate")
    _read_in_parallel(monkeypatch)
    assert cli(repo, "validate") == plain
    assert plain[0] == 1 and "it occurs at 5886..5949" in plain[2] and "coder 'c9' is not one of" in plain[2]


def test_offset_too_large_to_store_is_reported(repo: Path, cli) -> None:
    line = line_of(repo / CQ, "end: 5949")
    edit(repo / CQ, "end: 5949", "end: 99999999999999999999")
    status, _, err = cli(repo, "validate")
    assert status == 1 and "Traceback" not in err
    assert f"{CQ}:{line}: codes.target_burden.evidence[1].end: offset 99999999999999999999 is larger than any source text" in err


def test_path_at_follows_field_paths_with_dotted_keys() -> None:
    data = loads("x:\n  a.b:\n    - k: 1\n      j: 2\n  a: 3\n")
    assert path_at(data, "x.a.b[0].j") == ("x", "a.b", 0, "j")
    assert path_at(data, "x.a") == ("x", "a")
    assert path_at(data, "x.missing") == ("x",)
    assert path_at(data, "x.a.b[5]") == ("x", "a.b")
    assert path_at(data, "") == ()


TEXT = st.text(alphabet=["a", "b", "x", " ", "\n", "\t", "-", "\u2013", "\u3000", "\xa0", "中", "’"], max_size=40)


@settings(max_examples=300, deadline=None)
@given(text=TEXT, spans=st.lists(st.tuples(st.integers(-2, 45), st.integers(-2, 45), st.booleans(), TEXT), max_size=8))
def test_quote_lookup_in_bulk_equals_normalised_comparison(text: str, spans: list) -> None:
    starts = [s for s, _, _, _ in spans]
    ends = [e for _, e, _, _ in spans]
    quotes = [text[max(s, 0):max(e, 0)] if verbatim else other for s, e, verbatim, other in spans]
    index = NormalisedText(text)
    assert index.matches_all(starts, ends, quotes) == [matches(text, s, e, q) for s, e, q in zip(starts, ends, quotes)]


@settings(max_examples=300, deadline=None)
@given(text=TEXT, spans=st.lists(st.tuples(st.integers(-2, 45), st.integers(-2, 45), st.booleans(), TEXT), max_size=8),
       padding=st.integers(0, 200))
def test_quote_check_by_passage_equals_by_normalised_text(text: str, spans: list, padding: int) -> None:
    """A quote check that normalises each passage on its own (while they are shorter than
    the source, as for a file read after an edit) finds what one on the normalised source finds."""
    text += "a" * padding  # a longer source: more of the checks normalise passage by passage
    rows = [(f"codes.framing.evidence[{k}]", "quote", "s", s, e, text[max(s, 0):max(e, 0)] if verbatim else other)
            for k, (s, e, verbatim, other) in enumerate(spans)]
    by_passage = QuoteCheck({"s": text}, {})
    by_text = QuoteCheck({"s": text}, {})
    by_text.index("s")
    assert by_passage.problems("f.yaml", rows, len) == by_text.problems("f.yaml", rows, len)


def _bootstrap_loop(units: list, level: str, order: list | None, resamples: int, seed: int) -> tuple[float, float] | None:
    """The bootstrap written as a plain loop over resamples."""
    pairable = [u for u in units if sum(v is not None for v in u) >= 2]
    if not pairable:
        return None
    rng = random.Random(seed)
    draws = []
    for _ in range(resamples):
        value = alpha([pairable[rng.randrange(len(pairable))] for _ in pairable], level, order)
        if value is not None:
            draws.append(value)
    if not draws:
        return None
    draws.sort()
    return draws[int(0.025 * (len(draws) - 1))], draws[int(0.975 * (len(draws) - 1))]


@pytest.mark.parametrize("seed", range(12))
def test_bootstrap_in_bulk_equals_the_plain_loop(seed: int) -> None:
    rng = random.Random(seed)
    coders, n_units, n_values = rng.choice([2, 2, 3]), rng.randint(1, 40), rng.randint(1, 5)
    units = [[rng.randint(1, n_values) if rng.random() > 0.2 else None for _ in range(coders)] for _ in range(n_units)]
    for level in ("nominal", "ordinal", "interval"):
        order = list(range(1, n_values + 1)) if level == "ordinal" else None
        ours = bootstrap_interval(units, level, order, resamples=150, seed=seed)
        plain = _bootstrap_loop(units, level, order, resamples=150, seed=seed)
        if coders == 2:  # integer coincidences: exactly equal
            assert ours == plain, level
        else:
            assert (ours is None) == (plain is None) and (ours is None or ours == pytest.approx(plain, abs=1e-12)), level


def test_generated_tables_list_their_first_rows_and_say_so() -> None:
    df = pd.DataFrame({"case_id": [f"case-{i:03d}" for i in range(MAX_ROWS + 50)]})
    text = listing(["case_id"], df, lambda r: [r["case_id"]], "cases", "cases")
    assert text.count("| case-") == MAX_ROWS and "case-099" in text and "case-100" not in text
    assert f"The first {MAX_ROWS} of {MAX_ROWS + 50} cases are listed; `build/cases.parquet` has them all." in text
    assert "listed" not in listing(["case_id"], df.head(3), lambda r: [r["case_id"]], "cases", "cases")


def _synthetic(root: Path, cases: int) -> None:
    """Write a synthetic repository with benchmarks/generate.py."""
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    generate.generate(root, cases)


def test_benchmark_synthetic_repository_validates(tmp_path: Path, cli) -> None:
    root = tmp_path / "synthetic"
    _synthetic(root, 40)
    status, out, err = cli(root, "validate")
    assert status == 0, err
    assert out.startswith("ok: 40 cases")
    # Two codings of every case, the second in a coding file of this codebook; the
    # disagreements adjudicated by a coder who coded no case; missing statuses among the values.
    sha256 = hashlib.sha256((root / "schema/codebook.yaml").read_bytes()).hexdigest()
    files = sorted((root / "annotations/codings").glob("*/*.yaml"))
    assert len(files) == 40 and all(f"codebook_sha256: {sha256}\n" in f.read_text(encoding="utf-8") for f in files)
    tables = validate(root).tables
    assert (tables.codings.groupby("case_id")["coder"].nunique() == 2).all()
    assert len(tables.adjudications) and not set(tables.adjudications["adjudicator"]) & set(tables.codings["coder"])
    assert {"not_reported", "not_applicable", "coded_in_components"} <= set(tables.codings["value"])


def test_site_of_a_large_dataset_pictures_its_first_cases_and_pages_them_all(tmp_path: Path) -> None:
    from policyframes.site import Lookups, SiteInput, site_files
    from policyframes.site.write import matrix as figured

    _synthetic(tmp_path / "synthetic", MAX_ROWS + 5)
    site = Lookups(SiteInput.of(validate(tmp_path / "synthetic")))
    matrix = figured(site)
    assert len(matrix.rows) == MAX_ROWS and matrix.title.endswith(f", the first {MAX_ROWS} of {MAX_ROWS + 5} cases")
    pages = [name for name, _ in site_files(site) if name.startswith("cases/")]
    assert len(pages) == MAX_ROWS + 5
