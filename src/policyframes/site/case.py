"""A case page: its final codes first, then each fact and coding with its evidence, its timeline, relations, tax design and conflicts of sources."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from ..markdown import scroller
from .fragments import badge, coding_block, quotes, validity
from .html import CONTESTED, e, page, words

if TYPE_CHECKING:
    from .lookups import Lookups


def case_page(site: Lookups, case: dict[str, Any]) -> str:
    """The page of one case (cases/ID.html)."""
    root = "../"
    cid = case["case_id"]
    described = []
    shown_above = {site.cb.role(r).name for r in ("id", "title", "title_zh")}
    for var in site.cb.variables:
        if var.kind != "descriptive" or var.name in shown_above:
            continue
        value = case[var.name]
        if "sources" in var.roles:
            shown = ", ".join(f'<a href="{root}sources/{e(s)}.html">{e(site.source_title(s))}</a>' for s in value)
        elif var.categories:
            shown = badge(site, var.name, value, root)
        elif "parent" in var.roles and value is not None:
            shown = f'<a href="{root}cases/{e(value)}.html">{e(site.case[value][site.title])}</a>'
        else:
            shown = e(value) if value is not None else "\u2014"
        described.append(f"<dt>{e(var.label)}</dt><dd>{shown}</dd>")
    contents = "".join(f'<li><a href="#{e(v.name)}">{e(v.label)}</a></li>' for v in [*site.cb.facts, *site.cb.coded])
    sections = []
    for var in site.cb.facts:
        value = case[var.name]
        sections.append(
            f'<section id="{e(var.name)}" tabindex="-1"><h2>{e(var.label)}</h2>'
            f'<p class="about">{e(words(var.description))} <a href="{root}codebook.html#{e(var.name)}">Codebook</a></p>'
            f'<p class="final">{e(site.value_text(var.name, value))}</p>'
            f"{quotes(site, [r for r in site.evidence(cid, var.name) if r['coder'] is None], root)}</section>"
        )
    for var in site.cb.coded:
        sections.append(
            f'<section id="{e(var.name)}" tabindex="-1"><h2>{e(var.label)}</h2>'
            f'<p class="about">{e(words(var.description))} <a href="{root}codebook.html#{e(var.name)}">Codebook</a></p>'
            f"{coding_block(site, cid, var, root)}</section>"
        )
    sections += (timeline_section(site, cid, root) + relations_section(site, cid, root)
                 + tax_design_section(site, cid, root) + conflicts_section(site, cid, root))
    for anchor_id, label, present in (("timeline", "Timeline", site.events_of(cid)), ("relations", "Relations", site.relations_of(cid)),
                                      ("tax-design", "Tax design", site.designs.get(cid)), ("conflicts", "Conflicts of sources", site.conflicts.get(cid))):
        if present:
            contents += f'<li><a href="#{anchor_id}">{label}</a></li>'
    pairs = site.compared.get(cid, [])
    compared = ""
    if pairs:
        items = "".join(
            f'<li><a href="{root}comparisons/{e(c.id)}.html">{e(site.case[c.cases[0]][site.title])} vs. {e(site.case[c.cases[1]][site.title])}</a></li>'
            for c in pairs
        )
        compared = f'<section id="comparisons"><h2>Compared with</h2><ul>{items}</ul></section>'
    title_zh = site.cb.role("title_zh").name
    zh = f'<p class="zh" lang="zh">{e(case[title_zh])}</p>' if case.get(title_zh) else ""
    body = (
        f"<h1>{e(case[site.title])}</h1>{zh}\n{summary_box(site, case, root)}\n<dl class=\"facts\">{''.join(described)}</dl>\n"
        f'<nav aria-label="Dimensions"><ul class="contents">{contents}</ul></nav>\n'
        + "\n".join(sections)
        + compared
    )
    return page(site, case[site.title], body, root, "")


def summary_box(site: Lookups, case: dict[str, Any], root: str) -> str:
    """The final codes of a case at a glance, each linked to its coding block."""
    cid = case["case_id"]
    rows = "".join(
        f'<tr><th scope="row"><a href="#{e(v.name)}">{e(v.label)}</a></th><td>{badge(site, v.name, case[v.name], root)}'
        f'{CONTESTED if (cid, v.name) in site.adjudication else ""}</td></tr>'
        for v in site.cb.coded
    )
    table = (f'<table class="summary"><caption>Final codes (* the coders disagreed and an adjudicator decided)</caption>'
             f'<thead><tr><th scope="col">Variable</th><th scope="col">Final code</th></tr></thead><tbody>{rows}</tbody></table>')
    return f'<aside class="summary-box" aria-label="Final codes">{scroller(table, "Final codes")}</aside>'


def timeline_section(site: Lookups, case_id: str, root: str) -> list[str]:
    """The dated events of a case, each with its evidence."""
    events = site.events_of(case_id)
    if not events:
        return []
    items = "".join(
        f'<li><p><strong>{e(ev["date"])}</strong> · {e(site.event_label(ev["type"]))}: {e(words(ev["description"]))}</p>'
        f'{quotes(site, site.record_evidence(case_id, ev["event_id"]), root)}</li>'
        for ev in events
    )
    return [f'<section id="timeline" tabindex="-1"><h2>Timeline</h2><ol class="events">{items}</ol></section>']


def relations_section(site: Lookups, case_id: str, root: str) -> list[str]:
    """Relations from and to a case, each with its rationale and evidence."""
    relations = site.relations_of(case_id)
    if not relations:
        return []
    items = []
    for rel in relations:
        source = site.case[rel["from_case"]][site.title]
        link = f'<a href="{root}cases/{e(rel["from_case"])}.html">{e(source)}</a>'
        if rel["to_case"]:
            target = f'<a href="{root}cases/{e(rel["to_case"])}.html">{e(site.case[rel["to_case"]][site.title])}</a>'
            label = next(t.label for t in site.cb.relation_types if t.code == rel["type"]).lower()
            sentence = f"{link} — {e(label)} → {target}"
        else:
            sentence = f"{link} — {e(site.relation_text(rel).lower())}"
        date = f' ({e(rel["date"])})' if rel["date"] else ""
        items.append(f"<li><p>{sentence}{date}. {e(words(rel['rationale']))}</p>{quotes(site, site.record_evidence(rel['from_case'], rel['relation_id']), root)}</li>")
    return [f'<section id="relations" tabindex="-1"><h2>Relations</h2><ul class="relations">{"".join(items)}</ul></section>']


def tax_design_section(site: Lookups, case_id: str, root: str) -> list[str]:
    """The tax's design, parameter by parameter, each row with its evidence."""
    rows = site.designs.get(case_id, [])
    if not rows:
        return []
    items = "".join(
        f'<li><p><strong>{e(site.term("tax_parameters", r["parameter"]))}, {e(r["item"])}</strong>{validity(r)}: '
        f'{e(words(r["value"]))}</p>{quotes(site, site.record_evidence(case_id, r["design_id"]), root)}</li>' for r in rows)
    return [f'<section id="tax-design" tabindex="-1"><h2>Tax design</h2><p class="about">The design as the tax\'s own '
            f'documents state it (the <code>tax_design</code> table).</p><ul class="design">{items}</ul></section>']


def conflicts_section(site: Lookups, case_id: str, root: str) -> list[str]:
    """Where the sources disagree about the case, each side with its evidence, and the resolution."""
    found = site.conflicts.get(case_id, [])
    if not found:
        return []
    evidence = site.record_evidence
    items = []
    for c in found:
        sides = defaultdict(list)
        for row in evidence(case_id, c["conflict_id"]):
            sides[row["value"]].append(row)
        shown = "".join(f'<li><p>{e(claim)}</p>{quotes(site, rows, root)}</li>' for claim, rows in sides.items())
        items.append(f'<li><h3>On {e(c["subject"])}</h3><ol class="sides">{shown}</ol>'
                     f'<p><strong>Resolution:</strong> {e(words(c["resolution"]))} {e(words(c["rationale"]))}</p></li>')
    return [f'<section id="conflicts" tabindex="-1"><h2>Conflicts of sources</h2><ul class="conflicts">{"".join(items)}</ul></section>']
