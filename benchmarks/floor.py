"""The floors of validation and of a build: what reading the annotations and writing the
outputs cost at least.

- read + hash: every YAML file read and its SHA-256 taken (what a cache must do at least
  to know that nothing changed);
- events: every file decoded and run through libyaml's C parser to the end of its event
  stream (the least a parser must do that keeps the line of every key; building Python
  objects, as `yaml.CSafeLoader`'s `load` does, is more);
- write: every output of the build written once: the Parquet tables with
  `pyarrow.parquet.write_table` from tables in memory, every other file of build/ as its
  bytes (each read before its write is timed).

The floor of validation is `events`; that of a build is `events + write`. Prints JSON.

    python benchmarks/floor.py REPO_DIR
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
import time
from functools import partial
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


def _write_floor(build: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds of writing every file of build/ once, and how many there are.
    Each file is read (untimed), then written (timed), one at a time: a large site does not
    fit in memory whole."""
    wall = cpu = 0.0
    files = [p for p in sorted(build.rglob("*")) if p.is_file()]
    with tempfile.TemporaryDirectory() as out:
        for path in files:
            target = Path(out) / path.relative_to(build)
            target.parent.mkdir(parents=True, exist_ok=True)
            if path.suffix == ".parquet":
                took = _timed(partial(pq.write_table, pq.read_table(path), target, compression="zstd"))
            else:
                took = _timed(partial(target.write_bytes, path.read_bytes()))
            wall, cpu = wall + took[0], cpu + took[1]
    return wall, cpu, len(files)


def floor(root: Path) -> dict[str, float]:
    files = yaml_files(root)
    size = sum(p.stat().st_size for p in files)
    read_wall, read_cpu = _timed(lambda: [hashlib.sha256(p.read_bytes()).digest() for p in files])

    def events() -> None:
        for path in files:
            for _ in yaml.parse(path.read_bytes().decode("utf-8"), Loader=yaml.CSafeLoader):
                pass

    events_wall, events_cpu = _timed(events)
    write_wall, write_cpu, n_outputs = _write_floor(root / "build")
    return {"files": len(files), "yaml_bytes": size, "read_wall": read_wall, "read_cpu": read_cpu,
            "events_wall": events_wall, "events_cpu": events_cpu, "write_wall": write_wall, "write_cpu": write_cpu,
            "output_files": n_outputs, "libyaml": bool(yaml.__with_libyaml__)}


if __name__ == "__main__":
    print(json.dumps(floor(Path(sys.argv[1]))))
