"""The floor of a build: what reading the annotations and writing the tables cost at least.

Parses every YAML file of a repository with the fastest loader available (libyaml's
C loader, `yaml.CSafeLoader`), one after the other, then writes the built tables (read
into memory first, untimed) with `pyarrow.parquet.write_table`, as the build does.
Prints the times as JSON.

    python benchmarks/floor.py REPO_DIR
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq
import yaml


def yaml_files(root: Path) -> list[Path]:
    """The YAML files a build reads: the codebook, the release metadata and the annotations."""
    return [root / "schema/codebook.yaml", root / "dataset.yaml", *sorted((root / "annotations").rglob("*.yaml"))]


def floor(root: Path) -> dict[str, float]:
    files = yaml_files(root)
    wall, cpu = time.perf_counter(), time.process_time()
    size = 0
    for path in files:
        raw = path.read_bytes()
        size += len(raw)
        yaml.load(raw.decode("utf-8"), Loader=yaml.CSafeLoader)
    parse_wall, parse_cpu = time.perf_counter() - wall, time.process_time() - cpu

    tables = {p.stem: pq.read_table(p) for p in sorted((root / "build").glob("*.parquet"))}
    with tempfile.TemporaryDirectory() as out:
        wall, cpu = time.perf_counter(), time.process_time()
        for name, table in tables.items():
            pq.write_table(table, Path(out) / f"{name}.parquet", compression="zstd")
        write_wall, write_cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"files": len(files), "yaml_bytes": size, "parse_wall": parse_wall, "parse_cpu": parse_cpu,
            "write_wall": write_wall, "write_cpu": write_cpu, "libyaml": bool(yaml.__with_libyaml__)}


if __name__ == "__main__":
    print(json.dumps(floor(Path(sys.argv[1]))))
