"""The site's search: an index of the case names (both languages), the coders'
rationales and the evidence (quotes and the paraphrases of citations), written with the
site as scripts, so that the search page (assets/search.js) works from disk as well as
from a server. The index comes in parts of a bounded size, the case names first: the
page loads a part only when a query has not yet found enough in the parts before it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..passages import anchor

Entry = dict[str, str]


def case_entries(cases: Iterable[dict[str, Any]], title: str, title_zh: str, where: Callable[[dict[str, Any]], str]) -> Iterator[Entry]:
    """A case by its names and where it took place."""
    for case in cases:
        yield {"k": "Case", "t": case[title], "x": " \u00b7 ".join(filter(None, (case[title_zh], where(case)))),
               "u": f"cases/{case['case_id']}.html"}


def rationale_entries(codings: Iterable[dict[str, Any]], heading: Callable[[str, str], str]) -> Iterator[Entry]:
    """Every coder's rationale, linked to its coding block."""
    for c in codings:
        if c["rationale"]:
            yield {"k": f"Rationale of {c['coder']}", "t": heading(c["case_id"], c["dimension"]), "x": c["rationale"],
                   "u": f"cases/{c['case_id']}.html#{c['dimension']}"}


def evidence_entries(evidence: Iterable[dict[str, Any]], heading: Callable[[str, str], str]) -> Iterator[Entry]:
    """Every evidence item of a code or fact: a quote linked to its passage, a citation to
    the coding block that gives it."""
    for ev in evidence:
        if ev["record_type"] not in ("code", "fact"):
            continue
        if ev["kind"] == "quote":
            kind, text, url = "Quote", ev["quote"], f"sources/{ev['source_id']}.html#{anchor(int(ev['start']), int(ev['end']))}"
        else:
            kind, text, url = "Citation, paraphrased", f"{ev['paraphrase']} ({ev['locator']})", f"cases/{ev['case_id']}.html#{ev['dimension']}"
        yield {"k": kind, "t": heading(ev["case_id"], ev["dimension"]), "x": text, "u": url}


PART_BYTES = 500_000  # the most a part of the index holds (bytes of UTF-8); a larger entry is a part of its own


def index_parts(entries: Iterable[Entry], part_bytes: int = PART_BYTES) -> Iterator[str]:
    """The index as scripts (a local file cannot be fetched from a page on disk), each
    handing the search page its part number and entries; at least one part. Made one
    part at a time, so that a large index is never held in memory."""
    part: list[str] = []
    size = 0
    number = 1
    for entry in entries:
        text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
        n = len(text.encode("utf-8")) + 1
        if part and size + n > part_bytes:
            yield _script(number, part)
            part, size, number = [], 0, number + 1
        part.append(text)
        size += n
    yield _script(number, part)


def _script(number: int, entries: list[str]) -> str:
    return f"window.policyframesSearchPart({number}, [{','.join(entries)}]);\n"
