"""The loaders refuse a build/ that was changed after it was built, with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

import policyframes
from conftest import copy_repo
from policyframes.codebook import TABLES
from policyframes.manifest import NAME, IntegrityError


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    return copy_repo(tmp_path / "repo", ("build",)) / "build"


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("table", TABLES)
def test_changed_table_is_refused(dataset: Path, table: str) -> None:
    policyframes.load(table, path=dataset)
    _flip_a_byte(dataset / f"{table}.parquet")
    with pytest.raises(IntegrityError, match=f"{table}.parquet does not match its checksum in {NAME}"):
        policyframes.load(table, path=dataset)


@pytest.mark.parametrize("name, loader", [
    ("metadata.json", lambda folder: policyframes.metadata(folder)),
    ("codebook.json", lambda folder: policyframes.load_codebook(folder)),
    ("metadata.json", lambda folder: policyframes.load("cases", path=folder)),
])
def test_changed_metadata_or_codebook_is_refused(dataset: Path, name: str, loader) -> None:
    path = dataset / name
    path.write_text(path.read_text(encoding="utf-8").replace('"', "'", 1), encoding="utf-8")
    with pytest.raises(IntegrityError, match=f"{name} does not match its checksum"):
        loader(dataset)


def test_missing_table_is_refused(dataset: Path) -> None:
    (dataset / "evidence.parquet").unlink()
    with pytest.raises(IntegrityError, match="evidence.parquet is missing: the dataset .* is incomplete"):
        policyframes.load("evidence", path=dataset)


def test_missing_or_broken_manifest_is_refused(dataset: Path) -> None:
    manifest = dataset / NAME
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    manifest.write_text("".join(line for line in lines if not line.endswith("  cases.parquet\n")), encoding="utf-8")
    with pytest.raises(IntegrityError, match="expected an entry"):
        policyframes.load("cases", path=dataset)
    manifest.write_bytes(b"\xff\xfe not a checksum list")
    with pytest.raises(IntegrityError, match="is not a checksum list"):
        policyframes.load("cases", path=dataset)
    manifest.unlink()
    with pytest.raises(IntegrityError, match=f"{NAME} is missing: the dataset .* cannot be verified"):
        policyframes.load("cases", path=dataset)


def test_hugging_face_export_refuses_a_changed_card(dataset: Path, tmp_path: Path) -> None:
    card = dataset / "README.md"
    card.write_text(card.read_text(encoding="utf-8") + "\nchanged\n", encoding="utf-8")
    with pytest.raises(IntegrityError, match="README.md does not match its checksum"):
        policyframes.to_hf(dataset, cache_dir=tmp_path / "cache")


def test_hugging_face_export_refuses_a_changed_class_label_copy(dataset: Path, tmp_path: Path) -> None:
    """The cases config reads build/hf/cases.parquet (categories as class numbers): it is
    checked like every other file."""
    policyframes.load("cases", path=dataset)
    _flip_a_byte(dataset / "hf" / "cases.parquet")
    with pytest.raises(IntegrityError, match="hf/cases.parquet does not match its checksum"):
        policyframes.to_hf(dataset, cache_dir=tmp_path / "cache")


def test_cite_reports_a_tampered_dataset_without_traceback(dataset: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    _flip_a_byte(dataset / "metadata.json")
    monkeypatch.setattr(policyframes.loader, "data_dir", lambda path=None: dataset)
    status, out, err = cli(None, "cite")
    assert status == 1 and not out
    assert err.startswith("error: ") and "metadata.json does not match its checksum" in err and "Traceback" not in err
