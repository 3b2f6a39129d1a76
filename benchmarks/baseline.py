"""Release 1.2.0's cold validate, measured on this machine, for the benchmark's
"2x faster than 1.2.0" target (report.py compares YAML megabytes validated per second).

It checks out the last commit of release 1.2.0 into a temporary git worktree, generates
that release's synthetic repositories with its own generator, and times its
`policyframes validate` (which had no cache) in a fresh process per size, run by this
interpreter with that commit's package first on the path (the libraries are those
installed here). The result goes to benchmarks/results/baseline.json with the machine
it was measured on; report.py uses it where the machine is that of results.json.

    python benchmarks/baseline.py --sizes 100,1000,10000,100000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from floor import yaml_files
from report import RESULTS
from run import ROOT, machine, measure

RELEASE = "1.2.0"
COMMIT = "85803f48e1e5663b20434b762714f1a6c2858509"  # the last commit of release 1.2.0
VALIDATE = "import sys; from policyframes.cli import main; sys.argv = ['policyframes', '--root', '.', 'validate']; main()"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=f"Cold validate of release {RELEASE} on this machine.")
    p.add_argument("--sizes", default="100,1000,10000,100000", help="numbers of cases, comma-separated")
    p.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "policyframes-baseline",
                   help="where the release's synthetic repositories go (reused when present)")
    args = p.parse_args(argv)
    tree = Path(tempfile.mkdtemp(prefix="policyframes-release-"))
    subprocess.run(["git", "-C", ROOT, "worktree", "add", "--detach", tree, COMMIT], check=True, capture_output=True)
    try:
        env = dict(os.environ, PYTHONPATH=str(tree / "src"))
        sizes = {}
        for n in sorted(int(s) for s in args.sizes.split(",")):
            root = args.work / f"cases-{n}"
            if not (root / ".generated").is_file() or (root / ".generated").read_text() != f"{COMMIT} {n}":
                shutil.rmtree(root, ignore_errors=True)
                print(f"generating {n} cases with release {RELEASE}'s generator ...", flush=True)
                subprocess.run([sys.executable, tree / "benchmarks/generate.py", root, str(n)], env=env, check=True, stdout=subprocess.DEVNULL)
                (root / ".generated").write_text(f"{COMMIT} {n}")
            print(f"[{n} cases] release {RELEASE}: policyframes validate", flush=True)
            m = measure([sys.executable, "-c", VALIDATE], cwd=root, env=env)
            sizes[str(n)] = {"yaml_bytes": sum(f.stat().st_size for f in yaml_files(root)), "wall": m["wall"], "cpu": m["cpu"], "peak_mb": m["peak_mb"]}
            print(f"  {m['wall']:.1f} s, {sizes[str(n)]['yaml_bytes'] / 1e6:.0f} MB", flush=True)
    finally:
        subprocess.run(["git", "-C", ROOT, "worktree", "remove", "--force", tree], check=False, capture_output=True)
    info = machine()
    del info["versions"]["policyframes"]  # the installed package's, not the release measured
    out = {"release": RELEASE, "commit": COMMIT, "machine": info, "sizes": sizes}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "baseline.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS / 'baseline.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
