"""Benchmark policyframes at research scale and print every figure with its target.

For each size (number of cases) it generates a synthetic repository (see generate.py),
then measures, each in a fresh process: `policyframes validate`, `policyframes build`,
the floor (libyaml's C loader on the same files plus `pyarrow.parquet.write_table` of
the final tables, see floor.py), the time of each build stage (stages.py), and
`frictionless validate` on the same tables exported as CSV with a Table Schema (see
tabular.py). Peak memory is the largest sum of the proportional set size (PSS) of a
command's process and its children, sampled every 0.2 s (and never less than the largest
single process's maximum RSS). Results go to
benchmarks/results/ (figures, a Markdown report and a log-log scaling plot).

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

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
BIN = Path(sys.executable).parent
TARGETS = {"floor_ratio": 2.0, "growth": 12.0, "memory_gb": 4.0, "frictionless_ratio": 10.0, "load_s": 0.5}
HEAVY = ("datasets", "pandera", "mlcroissant")
SAMPLE_S = 0.2  # how often peak memory is sampled (reading PSS costs time)


def measure(cmd: list[str], cwd: Path | None = None) -> dict:
    """Run a command in a fresh process: wall and CPU seconds, peak memory (PSS of the tree)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err)
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


def run_size(work: Path, cases: int, regenerate: bool, with_stages: bool) -> dict:
    root = repository(work, cases, regenerate)
    row: dict = {"cases": cases}
    print(f"[{cases} cases] policyframes validate", flush=True)
    row["validate"] = measure([BIN / "policyframes", "--root", root, "validate"])
    print(f"[{cases} cases] policyframes build", flush=True)
    row["build"] = measure([BIN / "policyframes", "--root", root, "build"])
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
    for key in ("validate", "build", "frictionless"):
        del row[key]["stdout"], row[key]["stderr"]
    return row


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


# ---- the report -----------------------------------------------------------------


def _s(seconds: float) -> str:
    return f"{seconds:.1f}" if seconds >= 10 else f"{seconds:.2f}"


def peak_gb(m: dict) -> float:
    """Peak memory of a measured command: the sampled PSS of its tree, at least its largest process's RSS."""
    return max(m["peak_mb"], m["maxrss_mb"]) / 1024


def floor_of(row: dict) -> float:
    return row["floor"]["parse_wall"] + row["floor"]["write_wall"]


def figures_table(rows: list[dict]) -> str:
    lines = ["| cases | YAML files | YAML MB | evidence rows | validate s (CPU s) | build s (CPU s) | floor s: parse + write | build / floor | frictionless s | frictionless / validate | validate peak GB | build peak GB |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        v, b, f, fl = r["validate"], r["build"], r["floor"], r["frictionless"]
        lines.append(
            f"| {r['cases']:,} | {f['files']:,} | {f['yaml_bytes'] / 1e6:,.0f} | {r['rows']['evidence']:,} "
            f"| {_s(v['wall'])} ({_s(v['cpu'])}) | {_s(b['wall'])} ({_s(b['cpu'])}) "
            f"| {_s(floor_of(r))} = {_s(f['parse_wall'])} + {_s(f['write_wall'])} | {b['wall'] / floor_of(r):.2f} "
            f"| {_s(fl['wall'])} | {fl['wall'] / v['wall']:.2f} | {peak_gb(v):.2f} | {peak_gb(b):.2f} |")
    return "\n".join(lines)


def stages_table(rows: list[dict]) -> str:
    names = ["read", "assemble", "checks", "docs", "write"]
    lines = ["| cases | " + " | ".join(f"{n} s (CPU s)" for n in names) + " |", "|---:|" + "---:|" * len(names)]
    for r in rows:
        if "stages" in r:
            lines.append(f"| {r['cases']:,} | " + " | ".join(f"{_s(r['stages'][n]['wall'])} ({_s(r['stages'][n]['cpu'])})" for n in names) + " |")
    return "\n".join(lines)


def targets(rows: list[dict], load: dict) -> list[tuple[str, str, str, str]]:
    """(target, measured, ratio against the target, met)."""
    by = {r["cases"]: r for r in rows}
    out = []
    top, prev = by.get(100_000), by.get(10_000)
    if top:
        ratio = top["build"]["wall"] / floor_of(top)
        cpu_ratio = top["build"]["cpu"] / (top["floor"]["parse_cpu"] + top["floor"]["write_cpu"])
        out.append(("build at 100,000 cases within 2x of the floor", f"{_s(top['build']['wall'])} s vs floor {_s(floor_of(top))} s (CPU {cpu_ratio:.2f}x)",
                    f"{ratio:.2f}x (limit {TARGETS['floor_ratio']:g}x)", _yes(ratio <= TARGETS["floor_ratio"])))
        peak = max(peak_gb(top["build"]), peak_gb(top["validate"]))
        out.append(("peak memory at 100,000 cases under 4 GB", f"{peak:.2f} GB", f"{peak / TARGETS['memory_gb']:.2f} of the limit",
                    _yes(peak < TARGETS["memory_gb"])))
    else:
        out.append(("build at 100,000 cases within 2x of the floor", "not measured (run with 100000 in --sizes)", "", ""))
    if top and prev:
        for cmd in ("build", "validate"):
            growth = top[cmd]["wall"] / prev[cmd]["wall"]
            out.append((f"{cmd} time grows linearly: 100,000 over 10,000 cases at most 12x",
                        f"{_s(prev[cmd]['wall'])} s -> {_s(top[cmd]['wall'])} s (CPU {_s(prev[cmd]['cpu'])} s -> {_s(top[cmd]['cpu'])} s, "
                        f"{top[cmd]['cpu'] / prev[cmd]['cpu']:.2f}x)",
                        f"{growth:.2f}x (limit {TARGETS['growth']:g}x)", _yes(growth <= TARGETS["growth"])))
    largest = rows[-1]
    ratio = largest["frictionless"]["wall"] / largest["validate"]["wall"]
    out.append((f"validate at least 10x faster than frictionless on the same rows ({largest['cases']:,} cases)",
                f"frictionless {_s(largest['frictionless']['wall'])} s, policyframes validate {_s(largest['validate']['wall'])} s",
                f"{ratio:.2f}x (needs {TARGETS['frictionless_ratio']:g}x)", _yes(ratio >= TARGETS["frictionless_ratio"])))
    if "stages" in largest:
        checks = largest["stages"]["checks"]["wall"]
        ratio = largest["frictionless"]["wall"] / checks
        out.append((f"  the same, table-level checks only ({largest['cases']:,} cases; rows in memory)",
                    f"frictionless {_s(largest['frictionless']['wall'])} s, policyframes checks {_s(checks)} s",
                    f"{ratio:.2f}x (needs {TARGETS['frictionless_ratio']:g}x)", _yes(ratio >= TARGETS["frictionless_ratio"])))
    out.append(('`import policyframes; policyframes.load("cases")` in a fresh process under 0.5 s',
                f"{_s(load['inside'])} s for the two statements ({_s(load['process'])} s for the whole process, interpreter start "
                f"and exit included); `import pandas` alone: {_s(load['pandas'])} s (best of {load['repeats']})",
                f"{load['inside'] / TARGETS['load_s']:.2f} of the limit", _yes(load["inside"] < TARGETS["load_s"])))
    out.append(("... without importing " + ", ".join(HEAVY), "imported: " + (", ".join(load["heavy"]) or "none"), "",
                _yes(not load["heavy"])))
    return out


def _yes(ok: bool) -> str:
    return "yes" if ok else "**no**"


def targets_table(items: list[tuple[str, str, str, str]]) -> str:
    return "\n".join(["| target | measured | ratio | met |", "|---|---|---|---|", *(f"| {' | '.join(i)} |" for i in items)])


def plot(rows: list[dict]) -> str:
    from plot import svg

    def series(get) -> list[tuple[float, float]]:
        return [(r["cases"], get(r)) for r in rows]

    return svg([
        ("Time", "seconds (wall)", {
            "policyframes build": series(lambda r: r["build"]["wall"]),
            "policyframes validate": series(lambda r: r["validate"]["wall"]),
            "floor (libyaml parse + write)": series(floor_of),
            "frictionless validate (CSV)": series(lambda r: r["frictionless"]["wall"]),
        }),
        ("Peak memory", "GB (PSS of the process tree)", {
            "policyframes build": series(lambda r: peak_gb(r["build"])),
            "policyframes validate": series(lambda r: peak_gb(r["validate"])),
            "frictionless validate (CSV)": series(lambda r: peak_gb(r["frictionless"])),
        }),
    ])


def report(rows: list[dict], load: dict, info: dict, command: str) -> str:
    m = info
    return "\n".join([
        "# Benchmark results",
        "",
        f"Command: `{command}` (the run took {info['minutes']:.0f} minutes, the repositories generated beforehand)",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM; {m['os']}; Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
        + f". Load average before and after the run: {', '.join(f'{x:.1f}' for x in m['load_average'])} / "
        + f"{', '.join(f'{x:.1f}' for x in m['load_average_after'])} (the machine is shared: other work ran at the same time).",
        "",
        "## Figures",
        "",
        "Wall-clock seconds, with CPU seconds (the command and its worker processes) in brackets. The floor",
        "parses the same YAML files with libyaml's C loader in one process and writes the same tables with",
        "`pyarrow.parquet.write_table`. Peak memory: the largest sum of the PSS of the process and its children.",
        "",
        figures_table(rows),
        "",
        "Stages of a build, timed in one process (read = parse, validate and turn into rows):",
        "",
        stages_table(rows),
        "",
        "## Targets",
        "",
        targets_table(targets(rows, load)),
        "",
        "![scaling](scaling.svg)",
        "",
    ])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Benchmark policyframes validate and build against the floor and frictionless.")
    p.add_argument("--sizes", default="100,1000,10000,100000", help="numbers of cases, comma-separated")
    p.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "policyframes-bench", help="where the synthetic repositories go")
    p.add_argument("--out", type=Path, default=RESULTS, help="where the results go")
    p.add_argument("--regenerate", action="store_true", help="generate the repositories again even if present")
    p.add_argument("--stages-max", type=int, default=10**9, help="time the build stages only up to this many cases (saves one build per larger size)")
    args = p.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    info = machine()
    for n in sizes:
        repository(args.work, n, args.regenerate)
    start = time.perf_counter()
    rows = [run_size(args.work, n, False, n <= args.stages_max) for n in sizes]
    load = load_check()
    info["minutes"] = (time.perf_counter() - start) / 60
    info["load_average_after"] = os.getloadavg()
    command = " ".join(["python benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])])
    text = report(rows, load, info, command)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.md").write_text(text, encoding="utf-8")
    (args.out / "results.json").write_text(json.dumps({"machine": info, "sizes": rows, "load": load}, indent=2) + "\n", encoding="utf-8")
    (args.out / "scaling.svg").write_text(plot(rows), encoding="utf-8")
    print()
    print(text)
    print(f"written to {args.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
