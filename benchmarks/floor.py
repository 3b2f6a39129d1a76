"""The floors of validation and of a build: what reading the annotations and writing the
outputs cost at least.

- read + hash: every YAML file read and its SHA-256 taken (what a cache must do at least
  to know that nothing changed);
- events: every file decoded and run through libyaml's C parser to the end of its event
  stream (the least a parser must do that keeps the line of every key; building Python
  objects, as `yaml.CSafeLoader`'s `load` does, is more);
- write: every output of the build written once: the Parquet tables with
  `pyarrow.parquet.write_table` from tables in memory, every other file of build/ as its
  bytes.

The floor of validation is `events`; that of a build is `events + write`. Prints JSON.

    python benchmarks/floor.py REPO_DIR
"""

from __future__ import annotations

import hashlib
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


def _timed(fn) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def floor(root: Path) -> dict[str, float]:
    files = yaml_files(root)
    size = sum(p.stat().st_size for p in files)
    read_wall, read_cpu = _timed(lambda: [hashlib.sha256(p.read_bytes()).digest() for p in files])

    def events() -> None:
        for path in files:
            for _ in yaml.parse(path.read_bytes().decode("utf-8"), Loader=yaml.CSafeLoader):
                pass

    events_wall, events_cpu = _timed(events)
    build = root / "build"
    tables = {p.relative_to(build): pq.read_table(p) for p in sorted(build.rglob("*.parquet"))}
    others = {p.relative_to(build): p.read_bytes() for p in sorted(build.rglob("*")) if p.is_file() and p.suffix != ".parquet"}
    with tempfile.TemporaryDirectory() as out:
        for rel in [*tables, *others]:
            (Path(out) / rel).parent.mkdir(parents=True, exist_ok=True)

        def write() -> None:
            for rel, table in tables.items():
                pq.write_table(table, Path(out) / rel, compression="zstd")
            for rel, raw in others.items():
                (Path(out) / rel).write_bytes(raw)

        write_wall, write_cpu = _timed(write)
    return {"files": len(files), "yaml_bytes": size, "read_wall": read_wall, "read_cpu": read_cpu,
            "events_wall": events_wall, "events_cpu": events_cpu, "write_wall": write_wall, "write_cpu": write_cpu,
            "output_files": len(tables) + len(others), "libyaml": bool(yaml.__with_libyaml__)}


if __name__ == "__main__":
    print(json.dumps(floor(Path(sys.argv[1]))))
