"""The bad-input corpus: every broken input gets a precise error, and none a traceback.

Each entry of tests/bad_inputs/manifest.yaml is applied to its own copy of the
repository, then validated in child processes, in text and in `--format json`: the exit
status, the human report and the machine-readable one must name the expected file, line
and field, and nothing else (no traceback) may be printed. To keep this fast, each child
process imports the package once and runs the command's `main()` for many entries (a
crash of the interpreter would still show as the child dying on its entry); a sample of
entries also runs through the installed `policyframes` command, one process each.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import copy_repo
from policyframes.problems import CODES

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).parent / "bad_inputs"
ENTRIES: list[dict[str, Any]] = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
DEFAULT_PATH = "annotations/cases/corpus-case.yaml"
MARKER = "pwned-marker"  # what the inputs with Python tags would create if anything ran them


def _base() -> bytes:
    return (CORPUS / "corpus-case.yaml").read_bytes()


def _replace(old: bytes, new: bytes) -> bytes:
    base = _base()
    assert old in base
    return base.replace(old, new, 1)


def _huge(target: Path) -> None:
    with target.open("wb") as handle:
        handle.write(_base())
        handle.truncate(50 * 1024 * 1024)  # sparse: cheap to make, 50 MB to read


def _symlink_file(target: Path, outside: Path) -> None:
    """Replace the file (or the valid case, where there is none) by a link to a copy outside."""
    copy = outside / target.name
    copy.write_bytes(target.read_bytes() if target.exists() else _base())
    target.unlink(missing_ok=True)
    target.symlink_to(copy)


def _symlink_folder(target: Path, outside: Path) -> None:
    moved = outside / target.name
    shutil.move(target, moved)
    target.symlink_to(moved, target_is_directory=True)


# Content made at test time: (file to write, folder outside the repository) -> None.
GENERATORS: dict[str, Callable[[Path, Path], None]] = {
    "bom": lambda target, _: target.write_bytes(b"\xef\xbb\xbf" + _base()),
    "crlf": lambda target, _: target.write_bytes(_base().replace(b"\n", b"\r\n")),
    "cr": lambda target, _: target.write_bytes(_base().replace(b"\n", b"\r")),
    "non_utf8": lambda target, _: target.write_bytes(_replace(b"name_en: Hangzhou model", b"name_en: Hangzhou mod\xe9l")),
    "nul_character": lambda target, _: target.write_bytes(_replace(b"locality: Hangzhou", b"locality: Hang\x00zhou")),
    "huge": lambda target, _: _huge(target),
    "deep_nesting": lambda target, _: target.write_text("a: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8"),
    "folder": lambda target, _: target.mkdir(),
    "symlink_file": _symlink_file,
    "symlink_folder": _symlink_folder,
    "append": lambda target, _: target.write_bytes(target.read_bytes() + b"\nAppended.\n"),
}


def apply(entry: dict[str, Any], root: Path, outside: Path) -> None:
    """Break the repository copy at root as the entry says."""
    target = root / entry.get("path", DEFAULT_PATH)
    if "edit" in entry:
        old, new = entry["edit"]
        text = target.read_text(encoding="utf-8")
        assert old in text, f"{entry['id']}: {old!r} not in {target}"
        target.write_text(text.replace(old, new, 1), encoding="utf-8")
    elif "generate" in entry:
        GENERATORS[entry["generate"]](target, outside)
    else:
        shutil.copyfile(CORPUS / entry.get("file", f"{entry['id']}.yaml"), target)


def expected_location(entry: dict[str, Any], root: Path) -> tuple[str, int]:
    """The file and line the entry's error must name."""
    at = entry.get("at", entry.get("path", DEFAULT_PATH))
    if "line" in entry:
        return at, entry["line"]
    lines = (root / at).read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if entry["after"] in line) if "after" in entry else 0
    return at, next(i for i in range(start, len(lines)) if entry["line_of"] in lines[i]) + 1


# Runs `main()` for each line of arguments (JSON) on stdin; prints [status, stdout, stderr].
RUNNER = """
import contextlib, io, json, sys
from policyframes.cli import main
for line in sys.stdin:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(json.loads(line))
    print(json.dumps([status, out.getvalue(), err.getvalue()]), flush=True)
"""
FORMATS = ("text", "json")
# Entries also run through the installed command, one process each.
IN_OWN_PROCESS = ("corpus-case", "deep-nesting", "file-50-mb", "python-object-apply", "non-utf8-bytes", "symlinked-case-file")


def _run_batch(work: Path, runs: list[list[str]]) -> list[tuple[int, str, str]]:
    """Run main() on each argument list in one child process; a missing result means it died."""
    child = subprocess.run([sys.executable, "-c", RUNNER], input="".join(json.dumps(r) + "\n" for r in runs), cwd=work,
                           capture_output=True, encoding="utf-8", timeout=600)
    results = [tuple(json.loads(line)) for line in child.stdout.splitlines()]
    if len(results) < len(runs):
        crashed = (-1, "", f"the child process died on {runs[len(results)]} with status {child.returncode}:\n{child.stderr}")
        results += [crashed] * (len(runs) - len(results))
    return results


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, tuple[int, str, str]]]]:
    """Every entry applied to its own repository copy and validated in both formats."""
    roots = {}
    for entry in ENTRIES:
        folder = tmp_path_factory.mktemp(entry["id"])
        root = copy_repo(folder / "repo", ("schema", "annotations", "dataset.yaml"))
        (folder / "outside").mkdir()
        apply(entry, root, folder / "outside")
        roots[entry["id"]] = root
    work = tmp_path_factory.mktemp("work")
    runs = [(name, fmt) for name in roots for fmt in FORMATS]
    workers = os.cpu_count() or 2
    batches = [runs[i::workers] for i in range(workers)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outputs = pool.map(lambda batch: _run_batch(work, [[f"--root={roots[n]}", "validate", f"--format={f}"] for n, f in batch]), batches)
        results = {run: result for batch, output in zip(batches, outputs) for run, result in zip(batch, output)}
    assert not (work / MARKER).exists(), "a YAML tag ran a command"
    return {name: (roots[name], {fmt: results[name, fmt] for fmt in FORMATS}) for name in roots}


def test_corpus_is_complete() -> None:
    ids = [entry["id"] for entry in ENTRIES]
    assert len(ids) == len(set(ids))
    assert len([e for e in ENTRIES if e.get("status", 1) != 0]) >= 40
    used = {entry.get("file", f"{entry['id']}.yaml") for entry in ENTRIES if not {"edit", "generate"} & set(entry)}
    files = {p.name for p in CORPUS.glob("*.yaml")} - {"manifest.yaml"}
    assert used == files, "every file of tests/bad_inputs/ is an entry of manifest.yaml, and every entry has its file"
    assert all(e.get("code") in CODES for e in ENTRIES if e.get("status", 1) != 0), "every refusal names its problem code"


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_bad_input(entry: dict[str, Any], corpus) -> None:
    root, results = corpus[entry["id"]]
    status = entry.get("status", 1)
    for fmt, (code, out, err) in results.items():
        assert code == status, f"{fmt}: status {code}\n{out}{err}"
        assert "Traceback" not in out + err and "internal error" not in err, f"{fmt}:\n{out}{err}"
    assert not (root / MARKER).exists(), "a YAML tag ran a command"
    _, text_out, text_err = results["text"]
    report = json.loads(results["json"][1])
    assert report["ok"] is (status == 0)
    if status == 0:
        assert report["problems"] == [] and text_out.startswith("ok:") and not text_err
        return

    at, line = expected_location(entry, root)
    field = entry.get("field")
    where = f"{at}:{line}:" if line else f"{at}:"
    head = f"{where} {field}: " if field else f"{where} "
    code = entry["code"]
    assert any(row.startswith(head) and entry["error"] in row[len(head):] and row.endswith(f" [{code}]")
               for row in text_err.splitlines()), f"expected {head}... {entry['error']!r} [{code}]; got:\n{text_err}"
    assert any(p["file"] == at and p["line"] == line and entry["error"] in p["message"] and field in (None, p["field"])
               and p["code"] == code for p in report["problems"]), report
    assert all(p["file"] and p["message"] for p in report["problems"])


@pytest.mark.parametrize("name", IN_OWN_PROCESS)
def test_bad_input_through_the_command(name: str, corpus) -> None:
    """The installed command gives the same exit status and report, and nothing more."""
    root, results = corpus[name]
    command = Path(sys.executable).with_name("policyframes")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([str(command), "validate"], cwd=root, env=env, capture_output=True, encoding="utf-8", timeout=300)
    assert (done.returncode, done.stdout, done.stderr) == results["text"]
    assert not (root / MARKER).exists()
