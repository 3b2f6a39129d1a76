"""Where a build spends its time: each stage of `policyframes build`, timed in one process.

Stages: read (parse, validate and turn every file into rows, without the cache), assemble (the tables),
checks (the table-level checks), docs (generated documents, reliability included) and
write (every format, then the site and the manifest, into a temporary folder). Prints JSON.

    python benchmarks/stages.py REPO_DIR
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from policyframes import layout
from policyframes.annotations import load_annotations, read_validated
from policyframes.build import generated_files
from policyframes.checks import check_tables
from policyframes.meta import DatasetMeta
from policyframes.tables import assemble
from policyframes.validation import Validated
from policyframes.writers import write_dataset, write_site_and_manifest


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def stages(root: Path) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    last = [time.perf_counter(), _cpu()]

    def mark(name: str) -> None:
        now = [time.perf_counter(), _cpu()]
        out[name] = {"wall": now[0] - last[0], "cpu": now[1] - last[1]}
        last[:] = now

    ann = load_annotations(root, use_cache=False)  # a cold read, as the benchmark's build
    _, meta = read_validated(root, layout.DATASET_META, DatasetMeta, ann.problems)
    mark("read")
    tables = assemble(ann)
    mark("assemble")
    problems = ann.problems + check_tables(ann, tables)
    mark("checks")
    if problems:
        raise SystemExit(f"{len(problems)} problem(s), first: {problems[0]}")
    v = Validated(ann, tables, meta)
    generated = generated_files(v)
    mark("docs")
    with tempfile.TemporaryDirectory() as folder:
        write_dataset(v, Path(folder), generated[layout.DATACARD])
        del v, ann, tables  # as the build does: the site is made from the files
        write_site_and_manifest(Path(folder), [(layout.DATACARD, generated[layout.DATACARD])])
        mark("write")
    return out


if __name__ == "__main__":
    print(json.dumps(stages(Path(sys.argv[1]))))
