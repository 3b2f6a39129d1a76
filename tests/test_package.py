"""The installed package carries the dataset: `pip install` then `load()` works anywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, tree_bytes

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    before = tree_bytes(ROOT / "build")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)], check=True)
    assert tree_bytes(ROOT / "build") == before, "building the package changed build/"
    (path,) = out.glob("policyframes-*.whl")
    return path


def test_wheel_contains_the_tables(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    tables = json.loads((ROOT / "build" / "metadata.json").read_text(encoding="utf-8"))["tables"]
    assert {"cases", "codings", "evidence", "sources", "comparisons", "facts", "coded_events", "coded_relations", "units"} <= set(tables)
    for table in tables:
        assert f"policyframes/data/{table}.parquet" in names, table
    for copy in (ROOT / "build" / "hf").glob("*.parquet"):  # the class-label copies the Hugging Face configs read
        assert f"policyframes/data/hf/{copy.name}" in names, copy.name
    for name in ("codebook.json", "metadata.json", "SHA256SUMS", "README.md"):
        assert f"policyframes/data/{name}" in names


def test_installed_package_loads_without_the_repository(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    code = (
        "import policyframes, json;"
        "df = policyframes.load('cases');"
        "rows = {t: len(policyframes.load(t)) for t in policyframes.table_names()};"
        "print(json.dumps({'file': policyframes.loader.__file__, 'n': len(df), 'rows': rows,"
        " 'ids': sorted(df.case_id), 'cite': policyframes.cite()}))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run([sys.executable, "-c", "import policyframes.loader;" + code], cwd=tmp_path, env=env,
                            capture_output=True, text=True, check=True)
    info = json.loads(result.stdout)
    assert info["file"].startswith(str(target))
    assert info["rows"] == json.loads((ROOT / "build" / "metadata.json").read_text(encoding="utf-8"))["tables"]
    assert "chongqing-property-tax-2011" in info["ids"]
    assert "@misc{policyframes_" in info["cite"]
