"""The README documents every command, its benchmark tables come from the stored results, and the
generated list of problem codes is complete."""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
from typing import Any

from conftest import ROOT
from policyframes.cli import parser
from policyframes.problems import CODES


def commands() -> list[str]:
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(sub.choices)


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [c for c in commands() if not re.search(rf"policyframes {re.escape(c)}\b", readme)]
    assert missing == []


def test_every_command_has_a_description() -> None:
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert all(p.description for p in sub.choices.values())


def test_every_problem_code_used_in_the_package_is_listed() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "policyframes").glob("*.py"))
    used = set(re.findall(r'"((?:file|yaml|record|codebook|source|case|coding|cases|codings|adjudications|evidence|'
                          r'comparisons|relations|timeline|units|locate)\.[a-z-]+)"', source))
    used = {code for code in used if code.rsplit(".", 1)[1] not in ("yaml", "json", "dta", "parquet", "html", "csv", "md", "txt")}
    assert used - set(CODES) == set()
    assert used, "the pattern finds the codes"


def benchmark_report() -> Any:
    spec = importlib.util.spec_from_file_location("benchmark_report", ROOT / "benchmarks" / "report.py")
    assert spec is not None and spec.loader is not None
    report = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(report)
    return report


def test_the_release_baseline_is_the_one_measured_with_the_run_where_there_is_one() -> None:
    report = benchmark_report()
    results = json.loads((ROOT / "benchmarks" / "results" / "results.json").read_text(encoding="utf-8"))
    measured = {"sizes": {"100000": {"yaml_bytes": 3_000_000_000, "wall": 600.0}}}
    mb, seconds, where = report.release_baseline({**results, "baseline": measured}, 100_000)
    assert (mb, seconds) == (3000.0, 600.0) and "baseline.py" in where
    mb, seconds, where = report.release_baseline({k: v for k, v in results.items() if k != "baseline"}, 100_000)
    assert (mb, seconds) == report.RELEASE_1_2_0[100_000] and "README" in where


def test_the_readmes_benchmark_tables_are_made_from_the_stored_results() -> None:
    report = benchmark_report()
    results = json.loads((ROOT / "benchmarks" / "results" / "results.json").read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = readme.index(report.README_START), readme.index(report.README_END) + len(report.README_END)
    assert readme[start:end] == report.readme_block(results), "run benchmarks/run.py, or copy `python benchmarks/report.py` into the README"
