"""The codebook as a page: its general rules and closed lists, then every variable with its
categories, missing statuses and cases."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..codebook import Variable
from .html import e, page, words

if TYPE_CHECKING:
    from .lookups import Lookups

CASES_LISTED = 50  # cases listed under a category before the page says how many more


def codebook_page(site: Lookups) -> str:
    """The codebook (codebook.html)."""
    cb = site.cb
    parts = [
        f"<h1>{e(cb.title)}</h1>",
        f"<p>Codebook version {e(cb.codebook_version)}. {e(words(cb.description))}</p>",
        '<nav aria-label="Variables"><ul class="contents">'
        + "".join(f'<li><a href="#{e(v.name)}">{e(v.label)}</a></li>' for v in cb.variables)
        + "</ul></nav>",
        '<h2 id="general-rules">General rules</h2><dl>'
        + "".join(f"<dt>{e(r.id)}</dt><dd>{e(words(r.rule))}</dd>" for r in cb.general_rules)
        + "</dl>",
        '<h2 id="confidence">Confidence</h2><dl>'
        + "".join(f"<dt>{c.level} {e(c.label)}</dt><dd>{e(words(c.definition))}</dd>" for c in cb.confidence)
        + "</dl>",
        '<h2 id="attributions">Attribution of evidence</h2><dl>'
        + "".join(f"<dt>{e(a.label)} (<code>{e(a.code)}</code>)</dt><dd>{e(words(a.definition))}</dd>" for a in cb.attributions)
        + "</dl>",
        *(f'<h2 id="{anchor_id}">{title}</h2><dl>'
          + "".join(f"<dt>{e(t.label)} (<code>{e(t.code)}</code>)</dt><dd>{e(words(t.definition))}</dd>" for t in terms)
          + "</dl>"
          for anchor_id, title, terms in (("evidence-kinds", "Kinds of evidence", cb.evidence_kinds),
                                          ("source-kinds", "Kinds of source", cb.source_kinds),
                                          ("tax-parameters", "Tax parameters", cb.tax_parameters))),
        f'<h2 id="quote-normalisation">Quote normalisation</h2><p>{e(words(cb.quote_normalisation))}</p>',
        '<h2 id="variables">Variables</h2>',
    ]
    for var in cb.variables:
        parts.append(_variable(site, var))
    return page(site, cb.title, "\n".join(parts), "", "codebook.html")


def _variable(site: Lookups, var: Variable) -> str:
    head = (
        f'<section id="{e(var.name)}" tabindex="-1"><h3>{e(var.label)} <code>{e(var.name)}</code></h3>'
        f'<p class="about">{e(var.kind.capitalize())}, {e(var.level)}. {e(words(var.description))}</p>'
    )
    if var.applies_when:
        head += f"<p>Applies when: {e(words(var.applies_when))}</p>"
    if var.derived_from:
        head += f'<p>Derived from <a href="#{e(var.derived_from)}"><code>{e(var.derived_from)}</code></a>.</p>'
    entries = []
    for cat in var.categories:
        details = [f"<dt>Definition</dt><dd>{e(words(cat.definition))}</dd>"]
        if cat.decision_rule:
            details.append(f"<dt>Decision rule</dt><dd>{e(words(cat.decision_rule))}</dd>")
        if cat.pfc:
            pfc = next(f for f in site.cb.pfc_frames if f.code == cat.pfc)
            details.append(f"<dt>Policy Frames Codebook</dt><dd>{pfc.number} {e(pfc.label)}</dd>")
        if cat.boundary:
            details.append(f"<dt>Boundary</dt><dd>{e(words(cat.boundary))}</dd>")
        if cat.example:
            details.append(f"<dt>Example ({e(cat.example.kind)})</dt><dd>\u201c{e(words(cat.example.text))}\u201d</dd>")
        entries.append(_category(site, var, cat.code, cat.label, details))
    if var.kind == "coded":
        for missing in (m for m in site.cb.missing_codes if m.code in var.missing):
            details = [f"<dt>Definition</dt><dd>{e(words(missing.definition))}</dd>",
                       f"<dt>When for this variable</dt><dd>{e(words(var.missing[missing.code]))}</dd>",
                       f"<dt>Decision rule</dt><dd>{e(words(missing.decision_rule))}</dd>"]
            entries.append(_category(site, var, missing.code, missing.label, details))
    return head + "".join(entries) + "</section>"


def _category(site: Lookups, var: Variable, code: str, label: str, details: list[str]) -> str:
    coded = [c for c in site.cases if c.get(var.name) == code]
    anchor_ = f"#{var.name}" if var.kind == "coded" else ""
    cases = ", ".join(f'<a href="cases/{e(c["case_id"])}.html{e(anchor_)}">{e(c[site.title])}</a>' for c in coded[:CASES_LISTED]) or "none yet"
    if len(coded) > CASES_LISTED:
        cases += f", and {len(coded) - CASES_LISTED:,} more"
    swatch = f'<span class="swatch c-{e(var.name)}--{e(code)}" aria-hidden="true"></span>' if var.name in site.swatches else ""
    return (
        f'<article class="category" id="{e(var.name)}--{e(code)}" tabindex="-1"><h4>{swatch}{e(label)} <code>{e(code)}</code></h4>'
        f"<dl>{''.join(details)}<dt>Cases</dt><dd>{cases}</dd></dl></article>"
    )
