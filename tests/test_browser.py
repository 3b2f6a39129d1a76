"""The site in a real browser (Debian's Chromium, headless): from the matrix to a
highlighted source passage in two clicks, filters, keyboard use and contrast, with no
console error and no request outside the site."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from conftest import ROOT
from policyframes import layout
from policyframes.build import validate
from policyframes.palette import MIN_CONTRAST, contrast
from policyframes.passages import anchor
from policyframes.serve import make_server
from policyframes.site import SiteInput, write_site
from policyframes.textmatch import normalise

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
SITE = ROOT / layout.BUILD / layout.SITE
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def playwright() -> Iterator[object]:
    """One driver for the module's browsers (a thread can run only one)."""
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package (`apt-get install chromium`)"
        if os.environ.get("POLICYFRAMES_CI") or os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: object) -> Iterator[object]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)  # type: ignore[attr-defined]
    yield browser
    browser.close()


LATIN_FONTS = [Path("/usr/share/fonts/truetype/liberation"), Path("/usr/share/fonts/truetype/dejavu")]


@pytest.fixture(scope="module")
def latin_only_browser(playwright: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Chromium on a machine with no Chinese font: fontconfig sees only folders of Latin fonts."""
    folder = tmp_path_factory.mktemp("fontconfig")
    dirs = "".join(f"<dir>{d}</dir>" for d in LATIN_FONTS if d.is_dir())
    (folder / "fonts.conf").write_text(f'<?xml version="1.0"?><fontconfig>{dirs}<cachedir>{folder}/cache</cachedir></fontconfig>\n',
                                       encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(folder / "fonts.conf")}
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, env=env)  # type: ignore[attr-defined]
    yield browser
    browser.close()


def served(folder: Path) -> Iterator[str]:
    """The address of a site folder served over HTTP for as long as the generator runs."""
    server = make_server(folder, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def http_base() -> Iterator[str]:
    yield from served(SITE)


class Watched:
    """A page that records its requests and console errors."""

    def __init__(self, browser: object, base: str) -> None:
        self.base = base
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def check_clean(self) -> None:
        outside = [url for url in self.requests if not url.startswith(self.base)]
        assert not outside, f"requests outside the site: {outside}"
        assert not self.errors, f"console errors: {self.errors}"
        self.page.close()


@pytest.fixture(params=["file", "http"])
def site(request: pytest.FixtureRequest, browser: object) -> Iterator[Watched]:
    base = request.getfixturevalue("http_base") if request.param == "http" else SITE.as_uri() + "/"
    watched = Watched(browser, base)
    yield watched
    watched.check_clean()


def highlighted(page: object) -> tuple[str, str]:
    """(id, text) of the passage the page highlights: all its pieces, in order."""
    return page.evaluate(  # type: ignore[attr-defined]
        """() => {
            const pieces = [...document.querySelectorAll('mark.current')];
            return [pieces.length ? pieces[0].id : '', pieces.map(m => m.textContent).join('')];
        }"""
    )


def click_to_passage(site: Watched, case_id: str, dim: str) -> tuple[str, str]:
    """From the home page: click the case's cell, then its first quote; return the quote's
    link text and the highlighted passage's text."""
    from playwright.sync_api import expect

    page = site.page
    page.goto(site.base + "index.html")
    page.locator(f'tr[data-case="{case_id}"] td a[href$="#{dim}"]').click()
    page.wait_for_url(f"**/cases/{case_id}.html#{dim}")
    quote = page.locator(f"section#{dim} a.quote").first
    expect(quote).to_be_visible()
    quote_text = quote.inner_text()
    href = quote.get_attribute("href")
    quote.click()
    page.wait_for_url("**/" + href.replace("../", ""))
    name, text = highlighted(page)
    assert name == href.split("#")[1]
    expect(page.locator(f"mark#{name}")).to_be_in_viewport()
    return quote_text, text


@cache
def dataset() -> object:
    return validate(ROOT)


def coded_evidence(kind: str = "quote") -> object:
    """Evidence rows of one kind (quotes or citations) of codes (not of facts or conflicts)."""
    evidence = dataset().tables.evidence
    return evidence[(evidence.record_type == "code") & (evidence.kind == kind)]


def test_two_clicks_from_a_cell_to_the_highlighted_passage(site: Watched, tmp_path: Path) -> None:
    first = coded_evidence().iloc[0]
    quote, passage = click_to_passage(site, first.case_id, first.dimension)
    assert normalise(passage) == normalise(first.quote) == normalise(quote.strip("\u201c\u201d"))
    shot = tmp_path / "passage.png"
    site.page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_coded_cell_reaches_its_passage(browser: object, http_base: str) -> None:
    evidence = coded_evidence()
    site = Watched(browser, http_base)
    for (case_id, dim), rows in evidence.groupby(["case_id", "dimension"], sort=False):
        first = rows.iloc[0]
        _, passage = click_to_passage(site, case_id, dim)
        assert normalise(passage) == normalise(first.quote), (case_id, dim)
        assert site.page.url.endswith(f"sources/{first.source_id}.html#{anchor(int(first.start), int(first.end))}")
    site.check_clean()


def test_a_citation_reaches_the_place_cited_in_its_source(site: Watched) -> None:
    from playwright.sync_api import expect

    first = coded_evidence("citation").iloc[0]
    page = site.page
    page.goto(site.base + f"cases/{first.case_id}.html#{first.dimension}")
    item = page.locator(f"section#{first.dimension} li.citation").first
    expect(item).to_contain_text("Citation, paraphrased")
    assert normalise(first.paraphrase) in normalise(item.inner_text())
    item.locator("a").click()
    page.wait_for_url(f"**/sources/{first.source_id}.html#cited")
    cited = page.locator("ol.cited")
    expect(cited).to_be_in_viewport()
    expect(cited).to_contain_text(first.locator.split()[0])
    assert cited.locator(f'a[href*="cases/{first.case_id}.html"]').count() >= 1


def search(site: Watched, query: str) -> object:
    """Type a query on the search page; return the results list."""
    from playwright.sync_api import expect

    page = site.page
    page.goto(site.base + "search.html")
    page.get_by_label("Search the dataset").fill(query)
    expect(page.locator(".search-status")).to_contain_text("result")
    return page.locator("ol.results li")


def test_search_finds_a_case_by_its_chinese_name_and_a_quote_by_a_word(site: Watched) -> None:
    from playwright.sync_api import expect

    case = dataset().tables.cases.iloc[-1]
    results = search(site, case.name_zh)
    expect(results.first.locator("a")).to_have_attribute("href", f"cases/{case.case_id}.html")
    results.first.locator("a").click()
    site.page.wait_for_url(f"**/cases/{case.case_id}.html")

    quote = coded_evidence().iloc[0]
    word = max(quote.quote.split(), key=len).strip(".,;:\u201c\u201d\"'()")
    results = search(site, word)
    link = results.locator(f'a[href="sources/{quote.source_id}.html#{anchor(int(quote.start), int(quote.end))}"]')
    expect(link.first).to_be_visible()
    link.first.click()
    site.page.wait_for_url(f"**/sources/{quote.source_id}.html#*")
    _, text = highlighted(site.page)
    assert normalise(text) == normalise(quote.quote)


def test_a_search_lives_in_the_address_and_survives_reload_and_back(site: Watched) -> None:
    from playwright.sync_api import expect

    page = site.page
    results = search(site, "budget")
    count = results.count()
    assert count > 0
    assert page.url.endswith("search.html?q=budget")
    page.reload()
    expect(page.get_by_label("Search the dataset")).to_have_value("budget")
    expect(results).to_have_count(count)
    results.first.locator("a").click()
    page.go_back()
    expect(page.get_by_label("Search the dataset")).to_have_value("budget")
    expect(results).to_have_count(count)


@pytest.fixture(scope="module")
def split_index_site(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The site of the real dataset with its search index in parts of 20 KB, as a large dataset's."""
    folder = tmp_path_factory.mktemp("split-index")
    write_site(SiteInput.of(dataset()), folder, search_part_bytes=20_000)
    return folder.as_uri() + "/"


def test_a_split_index_loads_only_the_parts_a_query_needs(browser: object, split_index_site: str) -> None:
    """A rare word is found in the last part, after every part was loaded; a common word
    stops at the first hundred results without loading the rest."""
    from playwright.sync_api import expect

    site = Watched(browser, split_index_site)
    parts = int(site.page.goto(site.base + "search.html") and site.page.locator("form.search").get_attribute("data-parts"))
    assert parts > 10
    quote = coded_evidence().iloc[-1]
    word = max(quote.quote.split(), key=len).strip(".,;:\u201c\u201d\"'()")
    results = search(site, word)
    anchor_ = anchor(int(quote.start), int(quote.end))
    expect(results.locator(f'a[href="sources/{quote.source_id}.html#{anchor_}"]').first).to_be_visible()
    assert site.page.locator("script[src^='search/']").count() == parts
    results = search(site, "the")
    expect(site.page.locator(".search-status")).to_contain_text("More than 100 results")
    expect(results).to_have_count(100)
    assert site.page.locator("script[src^='search/']").count() < parts
    site.check_clean()


def test_filters_by_policy_type_and_locality(site: Watched) -> None:
    cases = dataset().tables.cases
    page = site.page
    page.goto(site.base + "index.html")

    def visible() -> list[str]:
        return sorted(page.locator("table.matrix tbody tr:visible").evaluate_all("rows => rows.map(r => r.dataset.case)"))

    assert visible() == sorted(cases.case_id)
    policy_type = cases.policy_type.iloc[0]
    page.select_option('select[data-filter="policy_type"]', policy_type)
    assert visible() == sorted(cases.case_id[cases.policy_type == policy_type])
    locality = cases.locality[cases.policy_type == policy_type].iloc[0]
    page.select_option('select[data-filter="locality"]', locality)
    expected = sorted(cases.case_id[(cases.policy_type == policy_type) & (cases.locality == locality)])
    assert visible() == expected
    assert page.locator("form.filters .status").inner_text() == f"{len(expected)} of {len(cases)} cases shown"
    page.select_option('select[data-filter="policy_type"]', "")
    page.select_option('select[data-filter="locality"]', "")
    assert visible() == sorted(cases.case_id)


def test_filters_live_in_the_address_and_survive_back(site: Watched) -> None:
    """A filter on a coded variable is written to the address, a link with it opens the
    matrix filtered, and Back from a case page shows the rows the selects say."""
    cases = dataset().tables.cases
    page = site.page
    page.goto(site.base + "index.html")
    value = cases.mobilisation_level.iloc[0]
    page.select_option('select[data-filter="mobilisation_level"]', value)
    assert f"mobilisation_level={value}" in page.url
    expected = sorted(cases.case_id[cases.mobilisation_level == value])

    def visible() -> list[str]:
        return sorted(page.locator("table.matrix tbody tr:visible").evaluate_all("rows => rows.map(r => r.dataset.case)"))

    assert visible() == expected
    page.locator("table.matrix tbody tr:visible th a").first.click()
    page.go_back()
    assert page.locator('select[data-filter="mobilisation_level"]').input_value() == value and visible() == expected
    page.goto(site.base + f"index.html?mobilisation_level={value}")
    assert visible() == expected
    site.check_clean()


def test_keyboard_reaches_and_focuses_the_passage(site: Watched) -> None:
    page = site.page
    page.goto(site.base + "index.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    last = coded_evidence().iloc[-1]
    cell = page.locator(f'tr[data-case="{last.case_id}"] td a[href$="#{last.dimension}"]')
    cell.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/cases/{last.case_id}.html#{last.dimension}")
    quote = page.locator(f"section#{last.dimension} a.quote").first
    href = quote.get_attribute("href")
    quote.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/" + href.replace("../", ""))
    page.wait_for_function("document.activeElement && document.activeElement.tagName === 'MARK'")
    assert page.evaluate("document.activeElement.id") == href.split("#")[1]


AXE = Path(__file__).parent / "vendor/axe-core/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def page_types() -> dict[str, str]:
    """One page of every kind the site has, by what makes it a kind of its own."""
    v = dataset()
    sources = v.tables.sources
    adjudicated = v.tables.adjudications.case_id.iloc[0]
    return {
        "home": "index.html",
        "case with a tax design": "cases/chongqing-property-tax-2011.html",
        "case with an adjudication": f"cases/{adjudicated}.html",
        "case with components": "cases/chongqing-model.html",
        "comparison with the designs side by side": "comparisons/chongqing-vs-shanghai-property-tax.html",
        "comparison": f"comparisons/{v.ann.comparisons[-1].id}.html",
        "source in full": f"sources/{sources.source_id[sources.stored == 'full_text'].iloc[0]}.html",
        "source in excerpts": f"sources/{sources.source_id[sources.stored == 'excerpt'].iloc[0]}.html",
        "source not stored": f"sources/{sources.source_id[sources.stored == 'none'].iloc[0]}.html",
        "codebook": "codebook.html",
        "reliability": "reliability.html",
        "distributions": "tables.html",
        "search with results": "search.html?q=tax",
        "about": "about.html",
    }


def axe_violations(site: Watched, pages: dict[str, str], width: int) -> dict[str, list[str]]:
    """axe-core's violations on each page (kind: path), at one viewport width."""
    site.page.set_viewport_size({"width": width, "height": 900})
    found = {}
    for kind, rel in pages.items():
        site.page.goto(site.base + rel)
        site.page.add_script_tag(path=str(AXE))
        passes, violations = site.page.evaluate(
            """async tags => { const r = await axe.run(document, {runOnly: tags}); return [r.passes.length, r.violations.map(
                v => v.id + ' (' + v.nodes.length + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; '))]; }""",
            AXE_TAGS,
        )
        assert passes > 20, f"axe-core checked almost nothing on {rel}"
        if violations:
            found[f"{kind} ({rel})"] = violations
    return found


@pytest.mark.parametrize("width", [1400, 390])
def test_axe_finds_no_violation_on_any_kind_of_page(browser: object, http_base: str, width: int) -> None:
    site = Watched(browser, http_base)
    found = axe_violations(site, page_types(), width)
    assert not found, f"axe-core at {width} px: {found}"
    site.check_clean()


@pytest.fixture(scope="module")
def paged_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site of the real dataset with a matrix of ten cases a page, as a large dataset's, served."""
    folder = tmp_path_factory.mktemp("paged")
    write_site(SiteInput.of(dataset()), folder, page_rows=10)
    yield from served(folder)


@pytest.mark.parametrize("width", [1400, 390])
def test_a_paged_matrix_is_accessible_and_its_pages_follow_each_other(browser: object, paged_site: str, width: int) -> None:
    site = Watched(browser, paged_site)
    found = axe_violations(site, {"first page": "index.html", "second page": "matrix/2.html"}, width)
    assert not found, f"axe-core at {width} px: {found}"
    page = site.page
    page.goto(site.base + "index.html")
    first = page.locator("table.matrix tbody tr").evaluate_all("rows => rows.map(r => r.dataset.case)")
    page.locator("nav.pager a[rel=next]").click()
    page.wait_for_url("**/matrix/2.html")
    second = page.locator("table.matrix tbody tr").evaluate_all("rows => rows.map(r => r.dataset.case)")
    cases = list(dataset().tables.cases.case_id)
    assert first == cases[:10] and second == cases[10:20]
    page.locator("table.matrix tbody tr").first.locator("th a").click()
    page.wait_for_url(f"**/cases/{cases[10]}.html")
    site.check_clean()


def test_text_contrast_meets_wcag_aa(site: Watched) -> None:
    page = site.page
    pairs = []
    labelled = [f"cases/{p.name}" for p in sorted((SITE / "cases").glob("*.html"))]
    labelled += [f"comparisons/{p.name}" for p in sorted((SITE / "comparisons").glob("*.html"))]
    for rel, selector in (("index.html", "table.matrix td a"), ("sources/zhang-2020-chongqing-model.html", "mark.ev"),
                          ("codebook.html", "a.quote"), ("index.html", "p, th a, caption"),
                          *((rel, "a.code") for rel in labelled)):  # every coloured label of every case and comparison
        page.goto(site.base + rel)
        pairs += page.locator(selector).evaluate_all(
            """nodes => nodes.map(n => {
                let bg = 'rgba(0, 0, 0, 0)', e = n;
                while (e && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) { bg = getComputedStyle(e).backgroundColor; e = e.parentElement; }
                return [n.textContent, getComputedStyle(n).color, bg];
            })"""
        )
    assert len(pairs) > 30
    for text, colour, background in pairs:
        ratio = contrast(_hex(colour), _hex(background if background != "rgba(0, 0, 0, 0)" else "rgb(255, 255, 255)"))
        assert ratio >= MIN_CONTRAST, (text, colour, background, ratio)


def _hex(css: str) -> str:
    values = css[css.index("(") + 1 : css.index(")")].split(",")
    return "#" + "".join(f"{int(float(v)):02x}" for v in values[:3])


def test_excerpted_source_from_a_copied_folder(browser: object, tmp_path: Path) -> None:
    """Plain files: a copy of the folder anywhere works the same. The passage is one of a
    source shown in excerpts, preferably one that crosses another and is split in pieces."""
    v = dataset()
    excerpted = set(v.tables.sources.source_id[~v.tables.sources.full_text_included])
    quotes = v.tables.evidence[v.tables.evidence.kind == "quote"].astype({"start": int, "end": int})
    rows = [r for r in quotes.itertuples() if r.source_id in excerpted]
    assert rows, "no quote from a source shown in excerpts"
    spans = {(r.source_id, r.start, r.end) for r in rows}
    crossing = [r for r in rows if any(s == r.source_id and a < r.start < b < r.end for s, a, b in spans)]
    row = (crossing or rows)[0]
    copy = tmp_path / "site"
    shutil.copytree(SITE, copy)
    site = Watched(browser, copy.as_uri() + "/")
    site.page.goto(f"{site.base}sources/{row.source_id}.html#{anchor(row.start, row.end)}")
    name, text = highlighted(site.page)
    assert name == anchor(row.start, row.end) and normalise(text) == normalise(row.quote)
    site.page.screenshot(path=str(tmp_path / "excerpt.png"), full_page=True)
    site.check_clean()


WIDTHS = """async text => {
    await document.fonts.ready;
    const like = document.querySelector('p.zh');
    const width = t => { const s = document.createElement('span'); s.textContent = t; s.style.font = getComputedStyle(like).font;
                         document.body.append(s); const w = s.getBoundingClientRect().width; s.remove(); return w; };
    return [width(text), width('\\u0378'.repeat(text.length)), [...document.fonts].map(f => f.family + ': ' + f.status)];
}"""


def test_chinese_names_render_as_glyphs_without_a_chinese_system_font(latin_only_browser: object, tmp_path: Path) -> None:
    """U+0378 is unassigned: every font draws it as its missing-glyph box, as a font
    without Chinese draws a Chinese character. The Chinese name must be wider or narrower
    than as many boxes, which only the site's own font can make it."""
    page = latin_only_browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.set_content('<p class="zh" style="font: 20px sans-serif">x</p>')
    plain, boxes, _ = page.evaluate(WIDTHS, "\u91cd\u5e86")
    assert plain == boxes, "this browser has a Chinese system font, so the test cannot see the site's font at work"
    case = dataset().tables.cases.iloc[0]
    page.goto((SITE / "cases" / f"{case.case_id}.html").as_uri())
    name = page.locator("p.zh")
    assert name.get_attribute("lang") == "zh" and name.inner_text() == case.name_zh
    width, boxes, faces = page.evaluate(WIDTHS, case.name_zh)
    assert "policyframes Han: loaded" in faces and width != boxes, (width, boxes, faces)
    name.screenshot(path=str(tmp_path / "name_zh.png"))
    page.close()



def test_rows_sort_by_a_coded_variable_in_codebook_order(site: Watched) -> None:
    v = dataset()
    cases = v.tables.cases
    order = {code: i for i, code in enumerate(v.ann.codebook.allowed("mobilisation_level"))}
    page = site.page
    page.goto(site.base + "index.html")
    page.select_option("select[data-sort]", "mobilisation_level")
    assert "sort=mobilisation_level" in page.url
    shown = page.locator("table.matrix tbody tr").evaluate_all("rows => rows.map(r => r.dataset.case)")
    ranks = [order[cases.set_index("case_id").mobilisation_level[c]] for c in shown]
    assert sorted(shown) == sorted(cases.case_id) and ranks == sorted(ranks) and len(set(ranks)) > 1
    page.reload()
    assert page.locator("table.matrix tbody tr").evaluate_all("rows => rows.map(r => r.dataset.case)") == shown
    page.select_option("select[data-sort]", "")
    assert page.locator("table.matrix tbody tr").evaluate_all("rows => rows.map(r => r.dataset.case)") == cases.case_id.tolist()
    site.check_clean()
