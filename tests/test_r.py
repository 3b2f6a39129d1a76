"""The README's R example runs and reproduces the datacard's table of cases by unit type
(where R and haven are installed: Debian's r-base-core and r-cran-haven, which CI
installs)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


def _r_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### In R", 1)[1]
    return re.search(r"```r\n(.*?)```", section, re.S).group(1)


def _datacard_units() -> dict[str, tuple[int, int]]:
    block = (ROOT / "DATACARD.md").read_text(encoding="utf-8").split("<!-- generated:units -->", 1)[1].split("<!--", 1)[0]
    rows = [line.strip("|").split("|") for line in block.splitlines() if line.startswith("| `")]
    return {cells[0].strip().strip("`"): (int(cells[1]), int(cells[2])) for cells in rows}


def _printed_table(lines: list[str]) -> dict[str, int]:
    """A table R printed as lines of names, each followed by a line of their counts."""
    out: dict[str, int] = {}
    for names, counts in zip(lines, lines[1:]):
        if counts.split() and all(c.isdigit() for c in counts.split()) and len(names.split()) == len(counts.split()):
            out.update(zip(names.split(), (int(c) for c in counts.split())))
    return out


def test_the_r_example_reproduces_the_unit_table(tmp_path) -> None:
    if shutil.which("Rscript") is None and not os.environ.get("POLICYFRAMES_CI"):
        pytest.skip("R is not installed")
    script = tmp_path / "example.R"
    script.write_text(_r_example(), encoding="utf-8")
    done = subprocess.run(["Rscript", str(script)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "LANG": "C", "LC_ALL": "C"})
    assert done.returncode == 0, done.stderr
    blocks = [b.strip().splitlines() for b in done.stdout.split("\n\n") if b.strip()]
    by_type, without_parent = _printed_table(blocks[0]), _printed_table(blocks[1])
    expected = _datacard_units()
    assert {k: v for k, v in by_type.items() if v} == {k: v[0] for k, v in expected.items()}
    assert {k: v for k, v in without_parent.items() if k in expected} == {k: v[1] for k, v in expected.items()}
    assert '"no_public_role" "selected"       "open"           "mass"' in done.stdout
