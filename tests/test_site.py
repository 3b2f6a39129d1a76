"""The static site (build/site/): well-formed pages, links that resolve, every code two
clicks from its highlighted source passage, full texts only where their licence allows,
readable colours, a deterministic figure, and `policyframes serve`."""

from __future__ import annotations

import io
import json
import shutil
import threading
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from conftest import ROOT, edit
from htmltree import Node, parse
from policyframes import layout
from policyframes.build import validate
from policyframes.codebook import MISSING
from policyframes.palette import MIN_CONTRAST, luminance, swatches
from policyframes.passages import GAP, anchor, excerpt_blocks, mark_up, reflow, sentences
from policyframes.serve import make_server
from policyframes.site import Lookups, SiteInput, site_files
from policyframes.textmatch import normalise

SITE = ROOT / layout.BUILD / layout.SITE


@pytest.fixture(scope="module")
def pages() -> dict[str, Node]:
    """Every page of the committed site, parsed; fails on any malformed page."""
    parsed, problems = {}, []
    for path in sorted(SITE.rglob("*.html")):
        rel = path.relative_to(SITE).as_posix()
        tree, errors = parse(path.read_text(encoding="utf-8"))
        problems += [f"{rel}: {err}" for err in errors]
        parsed[rel] = tree
    assert not problems, "\n".join(problems)
    return parsed


def resolve(page: str, href: str) -> tuple[str, str]:
    """(page, fragment) that a relative link on a page points to."""
    target, fragment = urldefrag(href)
    if not target:
        return page, fragment
    parts = page.split("/")[:-1]
    for part in target.split("/"):
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts), fragment


def passage_text(tree: Node, name: str) -> str:
    """The text of a passage: its <mark> pieces in document order."""
    return "".join(m.text() for m in tree.find("mark", data_p=name))


@pytest.mark.slow
def test_pages_are_accessible_documents(pages: dict[str, Node]) -> None:
    for rel, tree in pages.items():
        html = tree.find("html")[0]
        assert html.attrs.get("lang") == "en", rel
        assert tree.find("title") and tree.find("title")[0].text().strip(), rel
        assert len(tree.find("h1")) == 1, rel
        assert len(tree.find("main")) == 1 and tree.find("a", class_="skip"), rel
        for img in tree.find("img"):
            assert img.attrs.get("alt"), rel
        for table in tree.find("table"):
            assert table.find("caption") and table.find("th", scope="col"), rel


@pytest.mark.slow
def test_links_resolve_and_nothing_is_fetched_from_outside(pages: dict[str, Node]) -> None:
    for rel, tree in pages.items():
        for node in tree.iter():
            for attr in ("href", "src"):
                url = node.attrs.get(attr)
                if url is None:
                    continue
                scheme = urlsplit(url).scheme
                if node.tag == "a" and scheme in ("https", "http"):
                    continue  # a link a reader may follow, never loaded by the page
                if scheme == "data":
                    assert url == "data:,", (rel, url)
                    continue
                assert not scheme and not url.startswith("//"), f"{rel}: {node.tag} loads {url}"
                target, fragment = resolve(rel, url)
                assert (SITE / target).is_file(), f"{rel}: {url} does not exist"
                if fragment:
                    assert target in pages and pages[target].by_id(fragment) is not None, f"{rel}: {url} has no #{fragment}"


@pytest.mark.slow
def test_every_code_is_two_clicks_from_its_highlighted_passage(pages: dict[str, Node]) -> None:
    v = validate(ROOT)
    evidence = v.tables.evidence
    coded = [var.name for var in v.ann.codebook.coded]
    home = pages["index.html"]
    for case in v.tables.cases.itertuples():
        row = home.find("tr", data_case=case.case_id)[0]
        for dim in coded:
            # Click 1: the matrix cell opens the case page at the dimension.
            cell = row.find("td", class_=f"c-{dim}--{getattr(case, dim)}")
            assert len(cell) == 1, (case.case_id, dim)
            page, fragment = resolve("index.html", cell[0].find("a")[0].attrs["href"])
            section = pages[page].by_id(fragment)
            assert section is not None and section.tag == "section", (case.case_id, dim)
            items = evidence[(evidence.case_id == case.case_id) & (evidence.dimension == dim) & evidence.record_type.isin(["code", "fact"])]
            quotes = items[items.kind == "quote"]
            hrefs = [a.attrs["href"] for a in section.find("a", class_="quote")]
            assert len(hrefs) == len(quotes), (case.case_id, dim)
            assert len(section.find("li", class_="citation")) == (items.kind == "citation").sum(), (case.case_id, dim)
            category = v.ann.codebook.variable(dim).category(getattr(case, dim))
            if category is not None and not category.no_evidence:
                assert len(items), f"{case.case_id} {dim}: a code without evidence"
            # Click 2: each quote opens its source at the passage, which reads as the quote.
            for href, quote in zip(hrefs, quotes.itertuples()):
                target, name = resolve(page, href)
                assert (target, name) == (f"sources/{quote.source_id}.html", anchor(int(quote.start), int(quote.end)))
                mark = pages[target].by_id(name)
                assert mark is not None and mark.tag == "mark"
                assert normalise(passage_text(pages[target], name)) == normalise(quote.quote)


def test_full_texts_only_where_the_licence_allows(pages: dict[str, Node]) -> None:
    v = validate(ROOT)
    for source in v.tables.sources.itertuples():
        tree = pages[f"sources/{source.source_id}.html"]
        shown = normalise("".join(div.text() for div in tree.find("div", class_="text")))
        text = v.ann.sources[source.source_id].text
        if text is None:  # not stored: the page holds the record and the places cited, no text
            assert not tree.find("div", class_="text") and "does not store this text" in tree.text()
            continue
        if source.full_text_included:
            assert shown == normalise(text)
            assert source.licence in tree.text()
            continue
        cited = [(m.attrs["data-p"]) for m in tree.find("mark")]
        spans = {tuple(int(x) for x in name[1:].split("-")) for name in cited}
        assert spans, source.source_id
        for lo, hi in sentences(text):
            sentence = normalise(text[lo:hi]).strip()
            holds_passage = any(s < hi and lo < e for s, e in spans)
            if holds_passage:
                assert sentence in shown, (source.source_id, sentence[:60])
            elif sentence not in normalise(" ".join(text[s:e] for s, e in excerpt_blocks(text, spans))):
                assert sentence not in shown, (source.source_id, sentence[:60])
        assert GAP in tree.text() and "does not redistribute this text in full" in tree.text()


@pytest.mark.slow
def test_the_licence_flag_alone_decides_what_a_source_page_shows(repo: Path) -> None:
    meta = repo / layout.SOURCES_META
    edit(meta, "licence: CC-BY-NC-ND-4.0\n    full_text_included: true", "licence: unknown\n    full_text_included: false")
    files = dict(site_files(Lookups(SiteInput.of(validate(repo)))))
    page = files["sources/zhang-2020-chongqing-model.html"]
    text = (repo / layout.SOURCES_DIR / "zhang-2020-chongqing-model.txt").read_text(encoding="utf-8")
    assert "does not redistribute this text in full" in page and GAP in page
    v = validate(repo)
    evidence = v.tables.evidence[v.tables.evidence["source_id"] == "zhang-2020-chongqing-model"]
    shown = excerpt_blocks(text, list(zip(evidence["start"], evidence["end"])))
    uncited = next(text[lo:hi] for lo, hi in sentences(text) if not any(a <= lo < b for a, b in shown) and len(text[lo:hi]) > 40)
    assert normalise(uncited) not in normalise(page)
    tree, errors = parse(page)
    assert not errors
    shown_text = normalise("".join(d.text() for d in tree.find("div", class_="text")))
    assert len(shown_text) < len(normalise(text))
    # only the excerpts around cited passages: no sentence outside them is shown
    excerpts = normalise(" ".join(text[a:b] for a, b in shown))
    outside = [normalise(text[lo:hi]).strip() for lo, hi in sentences(text) if not any(a <= lo < b for a, b in shown)]
    outside = [s for s in outside if len(s) > 40 and s not in excerpts]
    assert outside and not [s for s in outside if s in shown_text]


@pytest.mark.slow
def test_codebook_page_links_each_category_to_its_cases(pages: dict[str, Node]) -> None:
    v = validate(ROOT)
    codebook = pages["codebook.html"]
    for var in v.ann.codebook.coded:
        for code in v.ann.codebook.allowed(var.name):
            entry = codebook.by_id(f"{var.name}--{code}")
            assert entry is not None, (var.name, code)
            linked = {resolve("codebook.html", a.attrs["href"])[0] for a in entry.find("a") if "cases/" in a.attrs["href"]}
            expected = {f"cases/{c}.html" for c in v.tables.cases.loc[v.tables.cases[var.name] == code, "case_id"]}
            assert linked == expected, (var.name, code)
            assert "Definition" in entry.text() and "Decision rule" in entry.text()


@pytest.mark.slow
def test_comparison_pages_set_the_pairs_side_by_side(pages: dict[str, Node]) -> None:
    v = validate(ROOT)
    comparisons = v.tables.comparisons
    for comp in v.ann.comparisons:
        tree = pages[f"comparisons/{comp.id}.html"]
        for row in comparisons[comparisons.comparison_id == comp.id].itertuples():
            section = tree.by_id(row.dimension)
            sides = section.find("div", class_="side")
            assert len(sides) == 2
            for side, case_id, value in zip(sides, comp.cases, (row.value_a, row.value_b)):
                assert side.find("a", href=f"../cases/{case_id}.html#{row.dimension}")
                assert side.find("a", class_=f"code c-{row.dimension}--{value}")
            assert " ".join(row.statement.split()) in " ".join(section.text().split())


def test_code_colours_are_readable_and_ordered() -> None:
    cb = validate(ROOT).ann.codebook
    for i, var in enumerate(cb.coded):
        palette = swatches(var, i)
        assert set(cb.allowed(var.name)) <= set(palette) == set(var.codes) | set(MISSING)
        assert all(s.contrast >= MIN_CONTRAST for s in palette.values()), var.name
        backgrounds = [palette[c].background for c in var.codes]
        assert len(set(backgrounds)) == len(backgrounds), var.name
        # a missing status is never coloured like a category (nor as a level of a scale)
        assert not {palette[m].background for m in MISSING} & set(backgrounds), var.name
        assert len({palette[m].background for m in MISSING}) == len(MISSING), var.name
        if var.level == "ordinal":
            lum = [luminance(b) for b in backgrounds]
            assert lum == sorted(lum, reverse=True), "an ordinal scale runs light to dark"


@pytest.mark.slow
def test_matrix_figure_in_svg_and_png() -> None:
    from PIL import Image

    v = validate(ROOT)
    svg = (SITE / "matrix.svg").read_text(encoding="utf-8")
    tree = ET.fromstring(svg)
    texts = " ".join(t.text or "" for t in tree.iter("{http://www.w3.org/2000/svg}text"))
    for case_id in v.tables.cases["case_id"]:
        assert case_id in texts
    png = (SITE / "matrix.png").read_bytes()
    image = Image.open(io.BytesIO(png))
    assert image.size == (2 * int(tree.attrib["width"]), 2 * int(tree.attrib["height"]))
    files = dict(site_files(Lookups(SiteInput.of(v))))
    assert files["matrix.png"] == png and files["matrix.svg"] == svg
    for doc in ("README.md", "DATACARD.md"):
        assert f"{layout.BUILD}/{layout.SITE}/matrix.png" in (ROOT / doc).read_text(encoding="utf-8"), doc


@given(
    text=st.text(alphabet="ab \n\u2019<&", min_size=1, max_size=60),
    raw=st.lists(st.tuples(st.integers(0, 59), st.integers(1, 12)), max_size=6),
)
def test_mark_up_keeps_every_passage_whole(text: str, raw: list[tuple[int, int]]) -> None:
    spans = sorted({(s % len(text), min(len(text), s % len(text) + n)) for s, n in raw})
    tree, errors = parse(f"<div>{mark_up(text, 0, len(text), spans)}</div>")
    assert not errors
    assert tree.text() == text
    for start, end in spans:
        assert passage_text(tree, anchor(start, end)) == text[start:end]
        assert len(tree.find("mark", id=anchor(start, end))) == 1


def test_excerpts_are_whole_sentences_around_passages() -> None:
    text = "One. Two two\nthree. Four “five.” Six? Seven"
    at = {word: text.index(word) for word in ("two", "three", "Four", "Seven")}
    blocks = excerpt_blocks(text, [(at["two"], at["three"] + 2), (at["Four"], at["Four"] + 4), (at["Seven"], len(text))])
    assert [text[a:b] for a, b in blocks] == ["Two two\nthree. Four “five.”", "Seven"]


def test_serve_serves_the_built_site(cli, repo: Path) -> None:
    server = make_server(SITE, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/index.html") as response:
            assert response.read() == (SITE / "index.html").read_bytes()
    finally:
        server.shutdown()
        server.server_close()
    shutil.rmtree(repo / layout.BUILD / layout.SITE)
    status, _, err = cli(repo, "serve", "--port", "0")
    assert status == 1 and "run `policyframes build` first" in err


@pytest.mark.slow
def test_site_is_written_by_the_build(repo: Path, cli) -> None:
    status, _, err = cli(repo, "build")
    assert status == 0, err
    built = repo / layout.BUILD
    sums = (built / "SHA256SUMS").read_text(encoding="utf-8")
    assert f"  {layout.SITE}/index.html\n" in sums and f"  {layout.SITE}/matrix.png\n" in sums
    cases = pd.read_parquet(built / "cases.parquet")
    assert {p.stem for p in (built / layout.SITE / "cases").glob("*.html")} == set(cases["case_id"])


def test_an_adjudication_shows_who_decided_and_why() -> None:
    page = (ROOT / "build" / "site" / "cases" / "hangzhou-model.html").read_text(encoding="utf-8")
    section = page.split('id="target_scope"', 1)[1].split("</section>", 1)[0]
    assert "The coders disagreed" in section and "Adjudicated by a1 (adjudicator), who coded neither side" in section


def test_every_page_has_a_cite_block_and_the_home_page_describes_the_dataset() -> None:
    import json
    import re

    site = ROOT / "build" / "site"
    for page in site.rglob("*.html"):
        assert 'class="cite-this"' in page.read_text(encoding="utf-8") and "@misc{" in page.read_text(encoding="utf-8"), page
    home = (site / "index.html").read_text(encoding="utf-8")
    block = re.search(r'<script type="application/ld\+json">\n(.*?)\n</script>', home, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "Dataset" and data["version"] == yaml.safe_load((ROOT / "dataset.yaml").read_text(encoding="utf-8"))["version"] and data["creator"] and data["license"].startswith("https://")
    for item in data["distribution"]:
        assert (site / item["contentUrl"]).resolve().is_file(), item  # each download link points at a published file


def test_a_reliability_page_gives_the_figures_and_contested_cells_are_marked() -> None:
    site = ROOT / "build" / "site"
    page = (site / "reliability.html").read_text(encoding="utf-8")
    assert "Krippendorff" in page and "Confusion of coders" in page and "a1: adjudicator" in page
    home = (site / "index.html").read_text(encoding="utf-8")
    adjudicated = pq.read_table(ROOT / "build" / "adjudications.parquet").num_rows
    assert home.count('class="contested"') == adjudicated


def test_the_chinese_font_covers_every_chinese_character_of_the_pages() -> None:
    """Readers without a Chinese system font get the shipped subset; it must hold every
    character the pages use (the browser tests check that it renders)."""
    from fontTools.ttLib import TTFont

    from policyframes import fonts

    used = fonts.han_characters(SITE)
    assert len(used) > 100  # the Chinese names, terms and titles
    cmap = TTFont(SITE / fonts.FONT).getBestCmap()
    missing = "".join(sorted(c for c in used if ord(c) not in cmap))
    assert not missing, f"the site's font lacks {missing}: rebuild it with tools/subset_han_font.py, then policyframes build"
    assert "Open Font License" in (SITE / fonts.LICENCE).read_text(encoding="utf-8")
    css = (SITE / "style.css").read_text(encoding="utf-8")
    assert f'font-family: "{fonts.FAMILY}"; src: url("{fonts.FONT}")' in css and f'"{fonts.FAMILY}", sans-serif' in css


def test_pages_summarise_first_and_the_matrix_has_a_legend() -> None:
    """A case page opens with its final codes, a comparison with its verdicts, and the home
    page says what every colour of every column means."""
    v = validate(ROOT)
    cb = v.ann.codebook
    site = Lookups(SiteInput.of(v))
    case = site.cases[0]
    tree, _ = parse((SITE / f"cases/{case['case_id']}.html").read_text(encoding="utf-8"))
    summary = tree.find("table", class_="summary")[0]
    rows = summary.find("tr")[1:]
    assert [r.find("a")[0].attrs["href"] for r in rows] == [f"#{var.name}" for var in cb.coded]
    assert [r.find("td")[0].text().rstrip("*") for r in rows] == [site.label(var.name, case[var.name]) for var in cb.coded]

    comparison = v.ann.comparisons[0]
    tree, _ = parse((SITE / f"comparisons/{comparison.id}.html").read_text(encoding="utf-8"))
    verdicts = {r.find("a")[0].attrs["href"][1:]: r.find("td")[-1].text() for r in tree.find("table", class_="verdicts")[0].find("tr")[1:]}
    built = v.tables.comparisons[v.tables.comparisons.comparison_id == comparison.id]
    assert verdicts == {d: c.replace("_", " ").capitalize() for d, c in zip(built.dimension, built.contrast)}

    tree, _ = parse((SITE / "index.html").read_text(encoding="utf-8"))
    legend = tree.find("ul", class_="legend")[0]
    shown = {n.attrs["class"].split()[1] for n in legend.find("span")}
    assert shown == {f"c-{var.name}--{code}" for var in cb.coded for code in site.swatches[var.name]}


def test_the_about_page_links_the_datacard_and_the_changelog_of_the_release() -> None:
    tree, _ = parse((SITE / "about.html").read_text(encoding="utf-8"))
    links = {a.attrs["href"] for a in tree.find("a")}
    assert {"DATACARD.md", "CHANGELOG.md", "codebook.html", "reliability.html#coders"} <= links
    for name in ("DATACARD.md", "CHANGELOG.md"):
        assert (SITE / name).read_text(encoding="utf-8") == (ROOT / name).read_text(encoding="utf-8")


@given(st.text(alphabet="ab -\u2013\n\t", max_size=60))
def test_reflow_joins_hard_wraps_and_keeps_every_offset_and_every_match(text: str) -> None:
    shown = reflow(text)
    assert len(shown) == len(text) and normalise(shown) == normalise(text)
    assert all(shown[i] == c for i, c in enumerate(text) if c != "\n")
    assert "\n\n" not in text or "\n\n" in shown


def test_source_pages_show_paragraphs_not_hard_wraps() -> None:
    text = (ROOT / layout.SOURCES_DIR / "zhang-2020-chongqing-model.txt").read_text(encoding="utf-8")
    tree, _ = parse((SITE / "sources/zhang-2020-chongqing-model.html").read_text(encoding="utf-8"))
    shown = "".join(div.text() for div in tree.find("div", class_="text"))
    assert text.count("\n") > 2 * shown.count("\n") and normalise(shown) == normalise(text)


@pytest.mark.slow
def test_each_matrix_cell_marks_the_confidence_and_the_kinds_of_its_evidence() -> None:
    """The figure is the lowest confidence of the coders who gave the final code; the
    letters say whether their evidence for it holds quotes (Q) and citations (C)."""
    tables = validate(ROOT).tables  # the final codes as codes (in the published table an ordinal's missing status has a column of its own)
    cases, codings, evidence = (t.astype(object).to_dict("records") for t in (tables.cases, tables.codings, tables.evidence))
    final = {(c["case_id"], var): c[var] for c in cases for var in {row["dimension"] for row in codings}}
    expected = {}
    for (case_id, dim), code in final.items():
        gave = [c for c in codings if (c["case_id"], c["dimension"], c["value"]) == (case_id, dim, code)]
        if gave:
            kinds = {ev["kind"] for ev in evidence if ev["record_type"] == "code" and (ev["case_id"], ev["dimension"], ev["value"]) == (case_id, dim, code)
                     and ev["coder"] in {c["coder"] for c in gave}}
            expected[case_id, dim] = f"{min(c['confidence'] for c in gave)}{'Q' * ('quote' in kinds)}{'C' * ('citation' in kinds)}"
    tree, _ = parse((SITE / "index.html").read_text(encoding="utf-8"))
    shown = {}
    for row in tree.find("tbody")[0].find("tr"):
        for link in row.find("td"):
            href = link.find("a")[0].attrs["href"]
            for mark in link.find("abbr", class_="marks"):
                shown[row.attrs["data-case"], href.split("#")[1]] = mark.text()
    assert shown == expected and len(shown) > 300
    assert {"1", "2", "3"} <= {m[0] for m in shown.values()} and any("Q" in m for m in shown.values())


@pytest.mark.slow
def test_the_matrix_is_paged_and_every_case_is_on_exactly_one_page(tmp_path: Path) -> None:
    """With more cases than a page holds, the home page shows the first page, further pages
    are matrix/N.html, every case is on one page only, and the pager's links resolve."""
    v = validate(ROOT)
    site = Lookups(SiteInput.of(v), page_rows=4)
    written = dict(site_files(site))
    numbers = range(2, site.pages + 1)
    assert site.pages == -(-len(site.cases) // 4) > 5 and all(f"matrix/{n}.html" in written for n in numbers)
    seen: list[str] = []
    for rel in ["index.html", *(f"matrix/{n}.html" for n in numbers)]:
        tree, errors = parse(written[rel])
        assert not errors, (rel, errors)
        seen += [row.attrs["data-case"] for row in tree.find("tbody")[0].find("tr")]
        pager = tree.find("nav", class_="pager")[0]
        assert len(pager.find("a", aria_current="page")) == 1
        for link in tree.find("a"):
            href = link.attrs.get("href", "")
            if href and not href.startswith(("#", "http", "mailto")):
                target, _ = resolve(rel, href)
                assert target.split("?")[0] in written or target.startswith("downloads/"), (rel, href)
    assert seen == [c["case_id"] for c in site.cases]
    assert "matrix/" not in "".join(dict(site_files(Lookups(SiteInput.of(v)))))  # the real dataset fits on one page


@pytest.mark.slow
def test_a_build_folder_alone_gives_the_same_site(repo: Path, tmp_path: Path) -> None:
    """The site is made from build/ (SiteInput.from_build): a copy of a build folder, away
    from its repository, gives every page exactly as the validated annotations do, with a
    coder who codes only to be certified left out of the figures in both."""
    from policyframes.build import build

    target = repo / layout.CODINGS_DIR / "c9"
    target.mkdir()
    for path in (repo / layout.CODINGS_DIR / "c2").glob("*.yaml"):
        (target / path.name).write_text(path.read_text(encoding="utf-8").replace("\ncoder: c2\n", "\ncoder: c9\n"), encoding="utf-8")
    coders = repo / layout.CODERS
    coders.write_text(coders.read_text(encoding="utf-8") + "  - id: c9\n    role: coder in training\n"
                      "    description: Codes as c2 did.\n    certification: true\n", encoding="utf-8")
    build(repo)
    v = validate(repo)
    folder = tmp_path / "copy"
    shutil.copytree(repo / layout.BUILD, folder, ignore=shutil.ignore_patterns(layout.SITE))
    shutil.rmtree(repo)
    built = SiteInput.from_build(folder)
    assert (built.primary, built.certifying) == (v.primary, v.certifying) == ("c1", frozenset({"c9"}))
    assert built.texts == {source_id: s.text for source_id, s in v.ann.sources.items()}
    files = dict(site_files(Lookups(built)))
    assert files == dict(site_files(Lookups(SiteInput.of(v))))
    figures = files["reliability.html"].split('<h2 id="figures">')[1]
    assert "c9" in files["about.html"] and "c2" in figures and "c9" not in figures


def test_the_search_index_is_made_a_part_at_a_time() -> None:
    """The parts hold every entry once, in order, within the size bound (an entry larger
    than the bound is a part of its own), and a part is made before the entries after it
    are read, so that a large index is never held in memory."""
    from policyframes.site.search import index_parts

    entries = [{"k": "Quote", "t": f"case {i}", "x": "word " * (i % 7) * 40, "u": f"cases/{i}.html"} for i in range(300)]
    read = []

    def reading() -> Iterator[dict[str, str]]:
        for entry in entries:
            read.append(entry)
            yield entry

    parts = index_parts(reading(), part_bytes=2_000)
    first = next(parts)
    assert 0 < len(read) < len(entries)
    scripts = [first, *parts]
    held = []
    for number, script in enumerate(scripts, 1):
        head = f"window.policyframesSearchPart({number}, "
        assert script.startswith(head) and script.endswith(");\n")
        part = json.loads(script[len(head):-3])
        assert len(part) == 1 or len(",".join(json.dumps(x, ensure_ascii=False, separators=(",", ":")) for x in part).encode()) <= 2_000
        held += part
    assert held == entries
    assert list(index_parts([])) == ["window.policyframesSearchPart(1, []);\n"]
