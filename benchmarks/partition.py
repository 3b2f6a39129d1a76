"""Would a partitioned evidence table help? Writes and reads the evidence table of a
build three ways and prints the times and sizes as a Markdown table:

- one file, as the build writes it (row groups of up to 1,048,576 rows);
- one file per dimension (hive partitioning, `dimension=framing/part-0.parquet`);
- files of at most 1,000,000 rows each.

Reads: the whole table, and the quotes of one dimension (a filter on `dimension`).

    python benchmarks/partition.py BUILD_DIR
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _size(path: Path) -> int:
    return path.stat().st_size if path.is_file() else sum(p.stat().st_size for p in path.rglob("*.parquet"))


def compare(build: Path) -> str:
    table = pq.read_table(build / "evidence.parquet")
    dimension = table.column("dimension")[0].as_py()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        layouts = {
            "one file": (out / "one.parquet", lambda: pq.write_table(table, out / "one.parquet", compression="zstd"), None),
            "one file per dimension": (out / "by-dimension", lambda: ds.write_dataset(
                table, out / "by-dimension", format="parquet", partitioning=["dimension"], partitioning_flavor="hive",
                file_options=ds.ParquetFileFormat().make_write_options(compression="zstd")), "hive"),
            "files of 1,000,000 rows": (out / "by-rows", lambda: ds.write_dataset(
                table, out / "by-rows", format="parquet", max_rows_per_file=1_000_000, max_rows_per_group=1_000_000,
                file_options=ds.ParquetFileFormat().make_write_options(compression="zstd")), None),
        }
        for name, (path, write, partitioning) in layouts.items():
            written = _timed(write)
            dataset = ds.dataset(path, format="parquet", partitioning=partitioning)
            whole = _timed(dataset.to_table)
            one = _timed(lambda d=dataset: d.to_table(filter=ds.field("dimension") == dimension))
            rows.append(f"| {name} | {written:.2f} | {_size(path) / 1e6:.0f} | {whole:.2f} | {one:.2f} |")
    return "\n".join([
        f"Evidence table: {table.num_rows:,} rows. Times in seconds (wall); one dimension: `{dimension}`.",
        "",
        "| layout | write s | MB | read all s | read one dimension s |",
        "|---|---:|---:|---:|---:|",
        *rows,
    ])


if __name__ == "__main__":
    print(compare(Path(sys.argv[1])))
