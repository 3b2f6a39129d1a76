"""A paired comparison: the verdicts first, the tax designs side by side where both have one, then each
dimension with both sides' codings."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ..markdown import scroller
from .data import Comparison
from .fragments import badge, coding_block, validity
from .html import e, page, words

if TYPE_CHECKING:
    from .lookups import Lookups


def comparison_page(site: Lookups, comparison: Comparison) -> str:
    """The page of one paired comparison (comparisons/ID.html)."""
    root = "../"
    a, b = comparison.cases
    rows = site.comparison_rows.get(comparison.id, [])
    sections = []
    for row in rows:
        var = site.cb.variable(row["dimension"])
        sides = "".join(
            f'<div class="side"><h3><a href="{root}cases/{e(cid)}.html#{e(var.name)}">{e(site.case[cid][site.title])}</a></h3>'
            f'{coding_block(site, cid, var, root, "h4")}</div>'
            for cid in (a, b)
        )
        sections.append(
            f'<section id="{e(var.name)}" tabindex="-1"><h2>{e(var.label)}</h2>'
            f'<p class="contrast {e(row["contrast"])}"><strong>{e(row["contrast"].replace("_", " ").capitalize())}.</strong> {e(words(row["statement"]))}</p>'
            f'<div class="sides">{sides}</div></section>'
        )
    title = f"{site.case[a][site.title]} vs. {site.case[b][site.title]}"
    names = "".join(f'<th scope="col"><a href="{root}cases/{e(cid)}.html">{e(site.case[cid][site.title])}</a></th>' for cid in (a, b))
    verdicts = "".join(
        f'<tr><th scope="row"><a href="#{e(row["dimension"])}">{e(site.cb.variable(row["dimension"]).label)}</a></th>'
        + "".join(f"<td>{badge(site, row['dimension'], site.case[cid][row['dimension']], root)}</td>" for cid in (a, b))
        + f'<td class="contrast {e(row["contrast"])}">{e(row["contrast"].replace("_", " ").capitalize())}</td></tr>'
        for row in rows
    )
    verdict = scroller(f'<table class="verdicts"><caption>The pair at a glance: final codes and contrast</caption><thead><tr>'
                       f'<th scope="col">Variable</th>{names}<th scope="col">Contrast</th></tr></thead><tbody>{verdicts}</tbody></table>',
                       "The pair at a glance")
    body = (f"<h1>{e(title)}</h1>\n<p>{e(words(comparison.summary))}</p>\n<p>Why this pair: {e(words(comparison.reason))}</p>\n"
            f"{verdict}\n{designs_side_by_side(site, a, b)}" + "\n".join(sections))
    return page(site, title, body, root, "")


def designs_side_by_side(site: Lookups, a: str, b: str) -> str:
    """The two taxes' designs in one table, parameter by parameter."""
    if not (site.designs.get(a) and site.designs.get(b)):
        return ""
    cells: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for cid in (a, b):
        for r in site.designs[cid]:
            cells[r["parameter"]][cid].append(f'<p><strong>{e(r["item"])}</strong>{validity(r)}: {e(words(r["value"]))}</p>')
    order = site.cb.terms("tax_parameters")
    rows = "".join(f'<tr><th scope="row">{e(site.term("tax_parameters", p))}</th>'
                   + "".join(f'<td>{"".join(cells[p][cid]) or "Not stated"}</td>' for cid in (a, b)) + "</tr>"
                   for p in order if p in cells)
    head = "".join(f'<th scope="col"><a href="../cases/{e(cid)}.html#tax-design">{e(site.case[cid][site.title])}</a></th>' for cid in (a, b))
    return ('<section id="tax-design" tabindex="-1"><h2>The two designs side by side</h2><p class="about">From the '
            '<code>tax_design</code> table; each row\'s evidence is on the case pages.</p>'
            + scroller('<table class="design"><caption>The designs of the two taxes, parameter by parameter</caption>'
                       f'<thead><tr><th scope="col">Parameter</th>{head}</tr></thead><tbody>{rows}</tbody></table>', "The two designs")
            + "</section>")
