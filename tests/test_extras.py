"""The light install: loading needs only pandas, pyarrow and pydantic; what an extra
provides fails with a message that names the extra when the extra is missing."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from conftest import ROOT

BLOCK = "import sys\nfor name in {names}:\n    sys.modules[name] = None  # as if not installed\n"


def _run(names: list[str], code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", BLOCK.format(names=names) + code], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_the_required_dependencies_are_what_loading_needs() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert sorted(d.split(">")[0] for d in project["dependencies"]) == ["pandas", "pyarrow", "pydantic"]
    assert {"build", "hf", "test"} <= set(project["optional-dependencies"])


@pytest.mark.slow
def test_loading_works_without_the_extras() -> None:
    done = _run(["yaml", "pandera", "PIL", "pyreadstat", "datasets"],
                "import policyframes\nprint(len(policyframes.load('cases')), policyframes.load_codebook().codebook_version)\n"
                "print(policyframes.cite().splitlines()[0])")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].endswith(" 2.1.0") and done.stdout.splitlines()[1].startswith("@misc{")


def test_to_hf_without_datasets_names_the_extra() -> None:
    done = _run(["datasets"], "import policyframes\npolicyframes.to_hf()")
    assert done.returncode == 1 and "pip install 'policyframes[hf]'" in done.stderr


@pytest.mark.slow
def test_a_command_without_its_extra_names_it() -> None:
    done = _run(["pandera", "pandera.pandas"], "from policyframes.cli import main\nraise SystemExit(main(['validate']))")
    assert done.returncode == 1
    assert "`policyframes validate` needs pandera, which comes with the build extra: pip install 'policyframes[build]'" in done.stderr
    assert "Traceback" not in done.stderr
