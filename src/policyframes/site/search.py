"""The site's search: an index of the case names (both languages), the coders'
rationales and the evidence (quotes and the paraphrases of citations), written with the
site as a script, so that the search page (assets/search.js) works from disk as well as
from a server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from ..passages import anchor

Entry = dict[str, str]


def case_entries(cases: Iterable[dict[str, Any]], title: str, title_zh: str, where: Callable[[dict[str, Any]], str]) -> list[Entry]:
    """A case by its names and where it took place."""
    return [{"k": "Case", "t": case[title], "x": " \u00b7 ".join(filter(None, (case[title_zh], where(case)))),
             "u": f"cases/{case['case_id']}.html"} for case in cases]


def rationale_entries(codings: Iterable[dict[str, Any]], heading: Callable[[str, str], str]) -> list[Entry]:
    """Every coder's rationale, linked to its coding block."""
    return [{"k": f"Rationale of {c['coder']}", "t": heading(c["case_id"], c["dimension"]), "x": c["rationale"],
             "u": f"cases/{c['case_id']}.html#{c['dimension']}"} for c in codings if c["rationale"]]


def evidence_entries(evidence: Iterable[dict[str, Any]], heading: Callable[[str, str], str]) -> list[Entry]:
    """Every evidence item of a code or fact: a quote linked to its passage, a citation to
    the coding block that gives it."""
    out = []
    for ev in evidence:
        if ev["record_type"] not in ("code", "fact"):
            continue
        if ev["kind"] == "quote":
            kind, text, url = "Quote", ev["quote"], f"sources/{ev['source_id']}.html#{anchor(int(ev['start']), int(ev['end']))}"
        else:
            kind, text, url = "Citation, paraphrased", f"{ev['paraphrase']} ({ev['locator']})", f"cases/{ev['case_id']}.html#{ev['dimension']}"
        out.append({"k": kind, "t": heading(ev["case_id"], ev["dimension"]), "x": text, "u": url})
    return out


def index_script(entries: list[Entry]) -> str:
    """The index as a script that defines it (a local file cannot be fetched from a page on disk)."""
    return "window.policyframesSearch = " + json.dumps(entries, ensure_ascii=False, separators=(",", ":")) + ";\n"
