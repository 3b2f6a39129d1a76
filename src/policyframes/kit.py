"""`policyframes kit`: a blind coding packet for an outside coder.

The packet holds what a coder may see and nothing else: the codebook (YAML and
rendered) with its SHA-256, the coding-file format, the source texts whose licence
allows redistribution (for the others, their records and checksums, so that the coder
can obtain and verify them), optionally the list of cases with their names, and blank
coding files. It holds no code, rationale or evidence of any coder.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from . import layout
from .annotations import case_files, load_codebook_checked, read_sources
from .docs import codebook_markdown
from .problems import Problem, ValidationFailed
from .yamlsafe import load_file

FORMAT = "schema/CODING-FORMAT.md"
TO_CODE = "TO BE CODED"  # the placeholder of every value in a blank coding file


def _blank_coding(case_id: str, coder: str, codebook_version: str, digest: str, coded: list[str], facts: list[str]) -> str:
    """A coding file with every variable to be coded and nothing filled in."""
    lines = [f"case_id: {case_id}", f"coder: {coder}", f'codebook_version: "{codebook_version}"', f"codebook_sha256: {digest}", "codes:"]
    for name in coded:
        lines += [f"  {name}:", f"    value: {TO_CODE}", f"    confidence: {TO_CODE}", f"    runner_up: {TO_CODE}",
                  f"    rationale: {TO_CODE}", "    evidence: []"]
    lines.append("facts:")
    for name in facts:
        lines += [f"  {name}:", f"    value: {TO_CODE}", "    evidence: []"]
    lines += ["events: []", "relations: []"]
    return "\n".join(lines) + "\n"


def _readme(coder: str, digest: str, listed: bool, withheld: list[str], cited: list[str]) -> str:
    step = ("Code each case of CASES.md: fill in its blank file in `codings/{c}/`." if listed else
            "First identify the cases yourself: read the sources and list every unit the codebook's unit of analysis "
            "allows in `codings/{c}/units.yaml` (its format is at the end of CODING-FORMAT.md), with what you "
            "considered and rejected; then code each unit in `codings/{c}/<case_id>.yaml`.").format(c=coder)
    obtain = ("" if not withheld else
              "\n\nThe licences of these sources do not allow the packet to include their text: "
              + ", ".join(f"`{s}`" for s in withheld)
              + ". Obtain them from their publishers (sources/sources.yaml gives each record) and check each against its "
              "SHA-256 before coding: quotes must match the text byte for byte.")
    if cited:
        obtain += ("\n\nThe repository stores no text of these sources; read each at the address its record gives "
                   "(`url`, or `consulted_url` for the copy the maintainers read) and give evidence from them as "
                   "citations (a locator and a paraphrase in your own words, never a copied sentence; see "
                   "CODING-FORMAT.md): " + ", ".join(f"`{s}`" for s in cited) + ".")
    return f"""# Coding kit for coder {coder}

You code blind: use only what is in this folder. Do not look at the dataset, its site or
any other coding.

1. Read the source texts in `sources/` in full, and the whole codebook (`CODEBOOK.md`,
   the same content as `codebook.yaml`, SHA-256 `{digest}`).
2. {step}
3. Every coding file records `codebook_version` and `codebook_sha256` as they are in its
   blank file. Follow CODING-FORMAT.md: a category needs evidence (quotes or citations), each with one
   attribution; give a runner-up and a confidence for every code.
4. Return the folder `codings/{coder}/`. It is validated like any annotation file
   (`policyframes validate`), and `policyframes reliability --coder {coder}` reports your
   agreement with the released codes and with each other coder.{obtain}
"""


def write_kit(root: Path, coder: str, out: Path, with_case_list: bool) -> list[str]:
    """Write the packet into `out` (which must not exist or be empty); return its files."""
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty: choose a new folder for the kit")
    problems: list[Problem] = []
    _, codebook = load_codebook_checked(root, problems)
    _, sources = read_sources(root, problems, codebook.terms("source_kinds") if codebook else None)
    if codebook is None or problems:
        raise ValidationFailed(problems)
    raw = (root / layout.CODEBOOK).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    files: dict[str, str | bytes] = {
        "codebook.yaml": raw,
        "CODEBOOK.md": codebook_markdown(codebook),
        "CODING-FORMAT.md": (root / FORMAT).read_text(encoding="utf-8"),
    }
    records: list[dict[str, object]] = []
    withheld: list[str] = []
    cited: list[str] = []
    for source_id, source in sorted(sources.items()):
        m = source.meta
        included = m.full_text_included
        records.append({"source_id": source_id, "kind": m.kind, "file": m.file, "title": m.title, "authors": list(m.authors),
                        "venue": m.venue, "date": m.date, "document_number": m.document_number, "language": m.language,
                        "url": m.url, "consulted_url": m.consulted_url, "licence": m.licence, "sha256": m.sha256,
                        "text_in_kit": included})
        if included and source.text is not None:
            files[f"sources/{m.file}"] = source.text
        else:
            (withheld if m.file else cited).append(source_id)
    files["sources/sources.yaml"] = yaml.safe_dump({"sources": records}, sort_keys=False, allow_unicode=True)
    coded = [v.name for v in codebook.coded]
    facts = [v.name for v in codebook.facts]
    if with_case_list:
        title, locality = codebook.role("title").name, codebook.role("locality").name
        rows = []
        for rel in case_files(root):
            data = load_file(root / rel)
            rows.append(f"| {data['case_id']} | {data[title]} ({data[locality]}) |")
            files[f"codings/{coder}/{data['case_id']}.yaml"] = _blank_coding(data["case_id"], coder, codebook.codebook_version,
                                                                             digest, coded, facts)
        files["CASES.md"] = "# The cases to code\n\n| case_id | case |\n|---|---|\n" + "\n".join(rows) + "\n"
    else:
        files[f"codings/{coder}/{layout.UNITS}"] = (f'coder: {coder}\ncodebook_version: "{codebook.codebook_version}"\nunits: []\n'
                                                   "considered_and_rejected: []\n")
    files["README.md"] = _readme(coder, digest, with_case_list, withheld, cited)
    for rel, content in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return sorted(files)
