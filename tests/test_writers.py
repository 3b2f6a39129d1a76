"""The writer registry: a format is one registration, which Croissant, the checksum
manifest and the wheel follow."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from conftest import ROOT
from policyframes import layout
from policyframes.build import generated_files, validate
from policyframes.manifest import read_manifest
from policyframes.site.data import DOWNLOADS
from policyframes.writers import WRITERS, Output, Writer, ordered, write_dataset, write_site_and_manifest


def _dummy(out: Output) -> None:
    (out.folder / "cases.txt").write_text("\n".join(out.arrow["cases"].column("case_id").to_pylist()) + "\n", encoding="utf-8")


@pytest.mark.slow
def test_a_registered_writer_reaches_croissant_and_the_manifest(repo: Path, tmp_path: Path) -> None:
    v = validate(repo)
    dummy = Writer("text", ("cases.txt",), _dummy, media_type="text/plain", after=("parquet",))
    folder = tmp_path / "out"
    folder.mkdir()
    registry = [dummy, *WRITERS]  # registered first, run once the Parquet tables exist
    assert [w.name for w in ordered(registry)][:2] == ["parquet", "text"]
    write_dataset(v, folder, generated_files(v)["DATACARD.md"], registry)
    write_site_and_manifest(folder, [], registry)
    assert (folder / "cases.txt").read_text(encoding="utf-8").split() == sorted(v.tables.cases["case_id"])
    assert "cases.txt" in read_manifest(folder) and f"{layout.SITE}/{DOWNLOADS}/cases.txt" in read_manifest(folder)
    files = {f["@id"]: f["encodingFormat"] for f in json.loads((folder / "croissant.json").read_text())["distribution"]}
    assert files["cases.txt"] == "text/plain"


def test_croissant_lists_every_data_file_of_the_registry() -> None:
    files = {f["@id"]: f["encodingFormat"] for f in json.loads((ROOT / "build" / "croissant.json").read_text())["distribution"]}
    expected = {p.relative_to(ROOT / "build").as_posix(): w.media_type for w in WRITERS if w.media_type
                for pattern in w.files for p in (ROOT / "build").glob(pattern)}
    assert files == expected


def test_the_wheel_ships_what_the_registry_says() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = set(pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"])
    expected = {f"build/{p.relative_to(ROOT / 'build').as_posix()}" for w in WRITERS if w.in_wheel
                for pattern in w.files for p in (ROOT / "build").glob(pattern)} | {"build/SHA256SUMS"}
    assert shipped == expected


def test_an_unknown_or_circular_order_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown writer 'nothing'"):
        ordered([Writer("a", (), _dummy, after=("nothing",))])
    with pytest.raises(ValueError, match="cycle: a -> b -> a"):
        ordered([Writer("a", (), _dummy, after=("b",)), Writer("b", (), _dummy, after=("a",))])
