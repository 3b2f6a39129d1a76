"""Pieces shared by the case and comparison pages: a coloured code, evidence items, a coding block."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from ..codebook import Variable
from ..passages import anchor
from .html import e, words

if TYPE_CHECKING:
    from .lookups import Lookups


def badge(site: Lookups, var: str, code: str, root: str) -> str:
    """A code, coloured, linking to its entry in the codebook."""
    css = f"code c-{var}--{code}" if var in site.swatches else "code"
    return f'<a class="{e(css)}" href="{root}codebook.html#{e(var)}--{e(code)}">{e(site.label(var, code))}</a>'


def quotes(site: Lookups, rows: list[dict[str, Any]], root: str) -> str:
    """Evidence items: a quote links to its passage in the source; a citation, shown as
    the coder's paraphrase (never as the source's words), to the source's record."""
    if not rows:
        return '<p class="none">No evidence (a missing code needs none).</p>'
    items = []
    for row in rows:
        source_id = row["source_id"]
        if row["kind"] == "citation":
            href = f"{root}sources/{source_id}.html#cited"
            items.append(
                f'<li class="citation"><p><span class="kind">Citation, paraphrased:</span> {e(words(row["paraphrase"]))}</p>'
                f'<p class="cite">{e(site.attribution(row["attribution"]))}; <a href="{e(href)}">{e(site.cite_source(source_id))}</a>, '
                f"{e(words(row['locator']))}</p></li>"
            )
            continue
        start, end = int(row["start"]), int(row["end"])  # the column also holds citations' empty offsets
        href = f"{root}sources/{source_id}.html#{anchor(start, end)}"
        items.append(
            f'<li><blockquote><p><a class="quote" href="{e(href)}">\u201c{e(words(row["quote"]))}\u201d</a></p></blockquote>'
            f'<p class="cite">{e(site.attribution(row["attribution"]))}; {e(site.cite_source(source_id))}, '
            f"characters {start}\u2013{end}</p></li>"
        )
    return f'<ol class="quotes">{"".join(items)}</ol>'


def coding_block(site: Lookups, case_id: str, var: Variable, root: str, heading: str = "h3") -> str:
    """Every coder's value, confidence, rationale and quotes on one dimension of a case."""
    final = site.case[case_id][var.name]
    evidence = site.evidence(case_id, var.name)
    used: set[int] = set()
    parts = [f'<p class="final">Final code: {badge(site, var.name, final, root)}</p>']
    decided = site.adjudication.get((case_id, var.name))
    if decided is not None:
        parts.append(
            f'<div class="adjudication"><p><strong>The coders disagreed</strong> ({e(decided["coder_values"])}). '
            f'Adjudicated by {e(site.coder(decided["adjudicator"]))}, who coded neither side: '
            f'{e(words(decided["rationale"]))}</p></div>'
        )
    for coding in (c for c in site.codings.of(case_id) if c["dimension"] == var.name):
        mine = [i for i, ev in enumerate(evidence) if ev["coder"] == coding["coder"] and ev["value"] == coding["value"]]
        used.update(mine)
        parts.append(
            f'<div class="coding"><{heading}>Coder {e(site.coder(coding["coder"]))}</{heading}><dl>'
            f"<dt>Code</dt><dd>{badge(site, var.name, coding['value'], root)}</dd>"
            f"{specified(site, coding)}"
            f"<dt>Runner-up</dt><dd>{runner_up(site, var.name, coding['runner_up'], root)}</dd>"
            f"<dt>Confidence</dt><dd>{e(site.confidence(coding['confidence']))}</dd>"
            f"<dt>Rationale</dt><dd>{e(words(coding['rationale']))}</dd></dl>"
            f"{quotes(site, [evidence[i] for i in mine], root)}</div>"
        )
    rest = [ev for i, ev in enumerate(evidence) if i not in used]
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for ev in rest:
        groups[ev["coder"], ev["value"]].append(ev)
    for (coder, value), rows in groups.items():
        parts.append(
            f'<div class="coding"><{heading}>Further evidence from {e(site.coder(coder))} for '
            f"{badge(site, var.name, value, root)}</{heading}>{quotes(site, rows, root)}</div>"
        )
    return "".join(parts)


def specified(site: Lookups, coding: dict[str, Any]) -> str:
    """The coder's words for a value of other, where there are some."""
    spec = coding.get("other_specification")
    return f"<dt>Specified as</dt><dd>{e(words(spec))}</dd>" if spec else ""


def runner_up(site: Lookups, var: str, code: str, root: str) -> str:
    return "none" if code == "none" else badge(site, var, code, root)


def validity(row: dict[str, Any]) -> str:
    since, until = row["valid_from"], row["valid_to"]
    if since and until:
        return f" ({e(since)} to {e(until)})"
    return f" (from {e(since)})" if since else f" (until {e(until)})" if until else ""
