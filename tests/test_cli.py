"""The command line: citation, new cases, usage errors, and the README's set-up commands."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT


def test_cite_bibtex_and_apa(cli) -> None:
    import policyframes

    status, out, _ = cli(None, "cite")
    version = policyframes.metadata()["version"]
    assert status == 0 and out.startswith("@misc{policyframes_") and f"version = {{{version}}}" in out
    assert out == policyframes.cite()
    status, out, _ = cli(None, "cite", "--format", "apa")
    assert status == 0 and f"(Version {version}) [Data set]." in out
    status, out, _ = cli(None, "cite", "--format", "csl-json")
    [item] = json.loads(out)
    assert status == 0 and item["type"] == "dataset" and item["version"] == version
    assert item["issued"]["date-parts"] == [[int(p) for p in policyframes.metadata()["date_released"].split("-")]]
    assert "DOI" not in item and "URL" not in item  # neither is known yet (dataset.yaml)


@pytest.mark.slow
def test_one_field_of_dataset_yaml_puts_the_doi_and_the_repository_everywhere(repo: Path, cli) -> None:
    """Once the repository's address and the release's DOI exist, giving them in
    dataset.yaml carries them into every citation and every metadata file."""
    import policyframes

    url, doi = "https://example.org/policyframes", "10.5555/policyframes.example"
    meta = repo / "dataset.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + f"repository: {url}\ndoi: {doi}\n", encoding="utf-8")
    assert cli(repo, "build")[0] == 0
    build = repo / "build"
    bibtex = policyframes.cite(path=build)
    assert f"  doi = {{{doi}}},\n" in bibtex and f"  url = {{https://doi.org/{doi}}},\n" in bibtex
    assert policyframes.cite("apa", path=build).endswith(f"[Data set]. https://doi.org/{doi}\n")
    [item] = json.loads(policyframes.cite("csl-json", path=build))
    assert (item["DOI"], item["URL"]) == (doi, f"https://doi.org/{doi}")
    cff = yaml.safe_load((repo / "CITATION.cff").read_text(encoding="utf-8"))
    assert (cff["repository-code"], cff["doi"]) == (url, doi)
    assert (policyframes.metadata(build)["repository"], policyframes.metadata(build)["doi"]) == (url, doi)
    croissant = json.loads((build / "croissant.json").read_text(encoding="utf-8"))
    assert (croissant["url"], croissant["identifier"]) == (url, f"https://doi.org/{doi}") and doi in croissant["citeAs"]
    package = json.loads((build / "datapackage.json").read_text(encoding="utf-8"))
    assert (package["homepage"], package["id"]) == (url, f"https://doi.org/{doi}")
    assert f"doi = {{{doi}}}" in (repo / "DATACARD.md").read_text(encoding="utf-8")
    meta.write_text(meta.read_text(encoding="utf-8").replace(f"doi: {doi}", "doi: not-a-doi"), encoding="utf-8")
    status, _, err = cli(repo, "validate")
    assert status == 1 and "dataset.yaml:" in err and "doi" in err


def test_new_case_from_template(repo: Path, cli) -> None:
    status, out, _ = cli(repo, "new-case", "chengdu-example")
    assert status == 0
    created = repo / "annotations" / "cases" / "chengdu-example.yaml"
    assert "case_id: chengdu-example" in created.read_text(encoding="utf-8")
    status, _, err = cli(repo, "validate")
    assert status == 1 and "annotations/cases/chengdu-example.yaml:" in err
    assert cli(repo, "new-case", "chengdu-example")[0] == 2
    assert cli(repo, "new-case", "Bad Id")[0] == 2


def test_usage_errors_exit_2(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit) as exc:
        cli(None, "no-such-command")
    assert exc.value.code == 2
    monkeypatch.chdir(tmp_path)
    status, _, err = cli(None, "validate")
    assert status == 2 and "no schema/codebook.yaml" in err


def test_root_without_codebook_is_reported(tmp_path: Path, cli) -> None:
    status, _, err = cli(tmp_path, "validate")
    assert status == 1 and "schema/codebook.yaml: file not found" in err


def test_readme_opens_with_the_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", readme, re.S).group(1).strip().splitlines()
    assert len(block) == 2
    assert block[0].endswith("policyframes build") and "pip install" in block[0]
    assert "pytest" in block[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "README.md" in ci


def test_internal_error_is_one_line_naming_the_file(repo: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug shows as one line naming the file being read, with exit status 1, not a traceback."""
    import policyframes.annotations

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(policyframes.annotations, "validate", broken)
    status, out, err = cli(repo, "validate")
    assert status == 1 and not out
    assert err == ("internal error (while reading schema/codebook.yaml): ZeroDivisionError: division by zero; please report it "
                   "(run again with --traceback for the full trace)\n")


def test_locate_refuses_files_outside_the_repository_and_links(repo: Path, tmp_path: Path, cli) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("case_id: x\n", encoding="utf-8")
    status, _, err = cli(repo, "locate", str(outside))
    assert status == 2 and "must be inside the repository" in err
    cases = repo / "annotations" / "cases"
    (cases / "linked.yaml").symlink_to(outside)
    status, _, err = cli(repo, "locate")
    assert status == 1 and "annotations/cases/linked.yaml: symbolic links are not allowed in annotations" in err
    assert outside.read_text(encoding="utf-8") == "case_id: x\n"


def test_traceback_shows_the_full_trace_of_an_internal_error(repo: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import policyframes.validation

    def broken(root: Path, use_cache: bool = True) -> None:
        raise RuntimeError("planted")

    monkeypatch.setattr(policyframes.validation, "check", broken)
    status, _, err = cli(repo, "validate")
    assert status == 1 and "internal error: RuntimeError: planted" in err and "Traceback" not in err and "--traceback" in err
    status, _, err = cli(repo, "validate", "--traceback")
    assert status == 1 and "Traceback (most recent call last)" in err and "RuntimeError: planted" in err


@pytest.mark.slow
def test_a_second_build_while_one_runs_is_refused(repo: Path, cli) -> None:
    import fcntl

    from policyframes.build import LOCK

    before = sorted(p.name for p in (repo / "build").iterdir())
    with open(repo / LOCK, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        status, _, err = cli(repo, "build")
    assert status == 1 and "another build of" in err and "wait for it to finish" in err
    assert sorted(p.name for p in (repo / "build").iterdir()) == before
    assert cli(repo, "build")[0] == 0  # and builds once the lock is free


def test_options_are_accepted_after_the_command(repo: Path, cli) -> None:
    from policyframes.cli import main

    assert main(["validate", f"--root={repo}"]) == 0
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0


def test_serve_stops_on_sigterm() -> None:
    import signal
    import subprocess
    import sys

    command = Path(sys.executable).with_name("policyframes")
    server = subprocess.Popen([str(command), "serve", "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None and server.stdout.readline().startswith("serving build/site/ at http://127.0.0.1:")
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=10) == 0  # stops cleanly, like Ctrl-C, instead of being killed
    finally:
        server.kill()


def test_new_case_fills_in_what_it_is_given(repo: Path, cli) -> None:
    status, out, _ = cli(repo, "new-case", "zeguo-polls", "--source", "almen-2013-local-governance-innovation",
                         "--name-en", "Zeguo deliberative polls")
    assert status == 0 and "placeholder" in out
    text = (repo / "annotations" / "cases" / "zeguo-polls.yaml").read_text(encoding="utf-8")
    assert "sources: [almen-2013-local-governance-innovation]" in text and 'name_en: "Zeguo deliberative polls"' in text
    status, _, err = cli(repo, "new-case", "other-case", "--source", "no-such-source")
    assert status == 2 and "no source 'no-such-source'" in err


@pytest.mark.slow
def test_validate_warns_when_the_annotations_changed_but_the_version_did_not(repo: Path, cli) -> None:
    status, out, err = cli(repo, "validate")
    assert status == 0 and "warning" not in err
    rationale = repo / "annotations" / "cases" / "hangzhou-model.yaml"
    rationale.write_text(rationale.read_text(encoding="utf-8").replace("confidence: 2", "confidence: 1", 1), encoding="utf-8")
    meta = repo / "dataset.yaml"
    version = yaml.safe_load(meta.read_text(encoding="utf-8"))["version"]
    status, out, err = cli(repo, "validate")
    assert status == 0 and f"warning: the annotations changed since build/ was built as version {version}" in err
    meta.write_text(meta.read_text(encoding="utf-8").replace(f'version: "{version}"', 'version: "99.0.0"'), encoding="utf-8")
    status, out, err = cli(repo, "validate")
    assert status == 0 and "warning" not in err
