"""Benchmark policyframes at research scale and print every figure with its target.

For each size (number of cases) it generates a synthetic repository (see generate.py),
then measures, each in a fresh process: `policyframes validate` cold (`--no-cache`),
warm (nothing changed since the cache was written) and after one file was edited,
`policyframes build --no-cache`, the floors (reading and hashing the files, libyaml's C
event stream over them, writing every output once; see floor.py), the time of each
build stage (stages.py), and `frictionless validate` on the same tables exported as CSV
with a Table Schema (see tabular.py); then this repository's own validate, cold and
warm, and the time of `policyframes.load()`. Peak memory is the largest sum of the
proportional set size (PSS) of a command's process and its children, sampled every 0.2 s
(and never less than the largest single process's maximum RSS). Results go to
benchmarks/results/ (figures, a Markdown report and a log-log scaling plot), and the
README's performance tables are made from them (report.py). Release 1.2.0's cold validate
as baseline.py measured it (benchmarks/results/baseline.json) goes into the results where
it was measured on a machine of the same CPU and cores; the cold target compares with it.

    python benchmarks/run.py                          # 100, 1000, 10000, 100000 cases
    python benchmarks/run.py --sizes 100,1000         # a quick run
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import psutil
from report import HEAVY, RESULTS, build_floor, peak_gb, readme_block, report, with_readme_block

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
SAMPLE_S = 0.2  # how often peak memory is sampled (reading PSS costs time)


def measure(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> dict:
    """Run a command in a fresh process: wall and CPU seconds, peak memory (PSS of the tree)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        tree, peak = psutil.Process(proc.pid), 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, _pss(tree))
            time.sleep(SAMPLE_S)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": peak / 2**20,
                  "maxrss_mb": usage.ru_maxrss / 1024, "stdout": out.read().decode(), "stderr": err.read().decode()}
    if proc.returncode:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{result['stderr'][-3000:]}")
    return result


def _pss(process: psutil.Process) -> int:
    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            total += p.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def python(script: str, *args: object) -> list[str]:
    return [sys.executable, str(HERE / script), *map(str, args)]


def repository(work: Path, cases: int, regenerate: bool) -> Path:
    """The synthetic repository with this many cases (generated once, then reused)."""
    root = work / f"cases-{cases}"
    stamp = f"{cases} {(HERE / 'generate.py').stat().st_mtime_ns}"
    if regenerate or not (root / ".generated").is_file() or (root / ".generated").read_text() != stamp:
        shutil.rmtree(root, ignore_errors=True)
        print(f"generating {cases} cases ...", flush=True)
        subprocess.run(python("generate.py", root, cases), check=True)
        (root / ".generated").write_text(stamp)
    return root


def _edit_one_case(root: Path) -> tuple[Path, bytes]:
    """Change one case file (a comment at its end, so that it stays valid): (path, old bytes)."""
    path = sorted((root / "annotations/cases").glob("[!_]*.yaml"))[0]
    old = path.read_bytes()
    path.write_bytes(old + b"# edited by the benchmark\n")
    return path, old


def run_size(work: Path, cases: int, regenerate: bool, with_stages: bool) -> dict:
    root = repository(work, cases, regenerate)
    cli = [BIN / "policyframes", "--root", root]
    row: dict = {"cases": cases}
    print(f"[{cases} cases] policyframes validate --no-cache", flush=True)
    row["validate_cold"] = measure([*cli, "validate", "--no-cache"])
    shutil.rmtree(root / ".policyframes-cache", ignore_errors=True)
    time.sleep(2.1)  # past the cache's window for files changed just before they were read (cache.RACY_NS)
    print(f"[{cases} cases] policyframes validate (writing the cache), then warm", flush=True)
    measure([*cli, "validate"])
    row["validate_warm"] = measure([*cli, "validate"])
    print(f"[{cases} cases] policyframes validate after editing one file", flush=True)
    path, old = _edit_one_case(root)
    try:
        row["validate_one_file"] = measure([*cli, "validate"])
    finally:
        path.write_bytes(old)
    print(f"[{cases} cases] policyframes build --no-cache", flush=True)
    row["build"] = measure([*cli, "build", "--no-cache"])
    print(f"[{cases} cases] floor", flush=True)
    row["floor"] = json.loads(measure(python("floor.py", root))["stdout"])
    row["rows"] = json.loads((root / "build/metadata.json").read_text(encoding="utf-8"))["tables"]
    if with_stages:
        print(f"[{cases} cases] stages", flush=True)
        row["stages"] = json.loads(measure(python("stages.py", root))["stdout"])
    print(f"[{cases} cases] frictionless validate", flush=True)
    csv = work / f"cases-{cases}-csv"
    shutil.rmtree(csv, ignore_errors=True)
    subprocess.run(python("tabular.py", root / "build", csv), check=True, stdout=subprocess.DEVNULL)
    row["frictionless"] = measure([BIN / "frictionless", "validate", "datapackage.json"], cwd=csv)
    shutil.rmtree(csv)
    for key in ("validate_cold", "validate_warm", "validate_one_file", "build", "frictionless"):
        del row[key]["stdout"], row[key]["stderr"]
    return row


def own_check(repeats: int = 3) -> dict:
    """`policyframes validate` of this repository, cold (`--no-cache`) and warm; best of `repeats`."""
    cli = [BIN / "policyframes", "--root", ROOT, "validate"]
    cold = min(measure([*cli, "--no-cache"])["wall"] for _ in range(repeats))
    measure(cli)
    warm = min(measure(cli)["wall"] for _ in range(repeats))
    cases = len(list((ROOT / "annotations/cases").glob("[!_]*.yaml")))
    return {"cases": cases, "cold": cold, "warm": warm, "repeats": repeats}


def load_check(repeats: int = 7) -> dict:
    """`import policyframes; policyframes.load("cases")` in fresh processes (the committed
    dataset), and `import pandas` alone for comparison; best of `repeats`."""
    code = ("import time; t = time.perf_counter(); import policyframes; policyframes.load('cases'); "
            "t = time.perf_counter() - t; import sys, json; "
            f"print(json.dumps([t, [m for m in {HEAVY!r} if m in sys.modules]]))")
    runs, pandas = [], []
    with tempfile.TemporaryDirectory() as cwd:
        for _ in range(repeats):
            result = measure([sys.executable, "-c", code], cwd=Path(cwd))
            inside, heavy = json.loads(result["stdout"])
            runs.append({"process": result["wall"], "inside": inside, "heavy": heavy})
            alone = "import time; t = time.perf_counter(); import pandas; print(time.perf_counter() - t)"
            pandas.append(float(measure([sys.executable, "-c", alone], cwd=Path(cwd))["stdout"]))
    return {"process": min(r["process"] for r in runs), "inside": min(r["inside"] for r in runs),
            "pandas": min(pandas), "heavy": sorted({m for r in runs for m in r["heavy"]}), "repeats": repeats}


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": platform.platform(), "python": platform.python_version(),
        "versions": {p: version(p) for p in ("policyframes", "PyYAML", "pydantic", "pandas", "pyarrow", "pandera", "frictionless")},
        "load_average": os.getloadavg(),
    }


def plot(rows: list[dict]) -> str:
    from plot import svg

    def series(get) -> list[tuple[float, float]]:
        return [(r["cases"], get(r)) for r in rows]

    return svg([
        ("Time", "seconds (wall)", {
            "policyframes build --no-cache": series(lambda r: r["build"]["wall"]),
            "policyframes validate, cold": series(lambda r: r["validate_cold"]["wall"]),
            "policyframes validate, warm": series(lambda r: r["validate_warm"]["wall"]),
            "floor of a build (C events + write)": series(build_floor),
            "frictionless validate (CSV)": series(lambda r: r["frictionless"]["wall"]),
        }),
        ("Peak memory", "GB (PSS of the process tree)", {
            "policyframes build --no-cache": series(lambda r: peak_gb(r["build"])),
            "policyframes validate, cold": series(lambda r: peak_gb(r["validate_cold"])),
            "frictionless validate (CSV)": series(lambda r: peak_gb(r["frictionless"])),
        }),
    ])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Benchmark policyframes validate and build against their floors and frictionless.")
    p.add_argument("--sizes", default="100,1000,10000,100000", help="numbers of cases, comma-separated")
    p.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "policyframes-bench", help="where the synthetic repositories go")
    p.add_argument("--out", type=Path, default=RESULTS, help="where the results go")
    p.add_argument("--regenerate", action="store_true", help="generate the repositories again even if present")
    p.add_argument("--stages-max", type=int, default=10**9, help="time the build stages only up to this many cases (saves one build per larger size)")
    p.add_argument("--no-readme", action="store_true", help="leave the README's tables alone (they are made from the results)")
    args = p.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    info = machine()
    for n in sizes:
        repository(args.work, n, args.regenerate)
    start = time.perf_counter()
    rows = [run_size(args.work, n, False, n <= args.stages_max) for n in sizes]
    own = own_check()
    load = load_check()
    info["minutes"] = (time.perf_counter() - start) / 60
    info["load_average_after"] = os.getloadavg()
    command = " ".join(["python benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])])
    results = {"command": command, "machine": info, "sizes": rows, "own": own, "load": load}
    if (RESULTS / "baseline.json").is_file():  # release 1.2.0 measured here (baseline.py)
        baseline = json.loads((RESULTS / "baseline.json").read_text(encoding="utf-8"))
        if (baseline["machine"]["cpu"], baseline["machine"]["cores"]) == (info["cpu"], info["cores"]):
            results["baseline"] = baseline
    text = report(results)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.md").write_text(text, encoding="utf-8")
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (args.out / "scaling.svg").write_text(plot(rows), encoding="utf-8")
    if not args.no_readme:
        readme = ROOT / "README.md"
        readme.write_text(with_readme_block(readme.read_text(encoding="utf-8"), readme_block(results)), encoding="utf-8")
    print()
    print(text)
    print(f"written to {args.out}/" + ("" if args.no_readme else " and README.md"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
