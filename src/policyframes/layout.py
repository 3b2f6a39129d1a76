"""Where things live in a policyframes repository."""

from __future__ import annotations

from pathlib import Path

CODEBOOK = "schema/codebook.yaml"
JSON_SCHEMA = "schema/case.schema.json"
CODEBOOK_DOC = "schema/CODEBOOK.md"
PROBLEM_CODES_DOC = "docs/problem-codes.md"
DATACARD = "DATACARD.md"
CHANGELOG = "CHANGELOG.md"
DATASET_META = "dataset.yaml"
CITATION = "CITATION.cff"
SOURCES_DIR = "annotations/sources"
SOURCES_META = "annotations/sources/sources.yaml"
CODERS = "annotations/coders.yaml"
CASES_DIR = "annotations/cases"
CODINGS_DIR = "annotations/codings"
UNITS = "units.yaml"  # in a coder's folder of CODINGS_DIR: the units the coder identified on its own
UNIT_MATCHES = "annotations/unit_matches.yaml"
COMPARISONS = "annotations/comparisons.yaml"
RELATIONS = "annotations/relations.yaml"
TAX_DESIGN = "annotations/tax_design.yaml"
CONFLICTS = "annotations/conflicts.yaml"
TEMPLATE = "annotations/_template.yaml"
BUILD = "build"
ANNOTATIONS = "annotations"
ANNOTATED = (ANNOTATIONS, CODEBOOK)  # what a release's codes are made of: a change to them needs a new version
SITE = "site"  # the static site, inside build/
TEXTS = "texts"  # the stored source texts, inside build/: texts/<source_id>.txt
CACHE = ".policyframes-cache"  # the cache of unchanged files (git-ignored)
VERDICT = "verdict.json"  # in CACHE: the last validation's verdict, with the files it was of
TABLE_CHECKS = "table-checks.json"  # in a key's folder of CACHE: the table checks of the last validation, by file


def find_root(start: Path | None = None) -> Path:
    """The repository root: the nearest folder upwards that holds the codebook."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CODEBOOK).is_file():
            return folder
    raise FileNotFoundError(f"no {CODEBOOK} in {here} or any folder above it; run inside a policyframes repository")
