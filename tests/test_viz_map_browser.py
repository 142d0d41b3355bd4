"""Generated maps opened in headless Chromium: the map draws, with the expected number of nodes,
no console errors and no request leaving the page; tooltips show names as text; filters, search
and the relax button work.

Needs Debian's chromium (``/usr/bin/chromium``) and the playwright package (test extras); skipped
where either is missing, unless ``NETKIT_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes that a
failure. Set ``NETKIT_SCREENSHOTS=DIR`` to keep screenshots to look at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import missing, sample_system

import netkit
from netkit.viz.maps import map_partners, map_system

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("NETKIT_CHROMIUM", "/usr/bin/chromium")
# As root, in a closed network: no sandbox, no background traffic of Chromium's own.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TINY = sample_system("tiny")
RIVERSIDE = sample_system("riverside")


def _missing(reason: str):
    missing("browser", "NETKIT_REQUIRE_BROWSER", reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install '.[test]')")
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        _missing(f"{CHROMIUM} not found (Debian: apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Opened:
    """A page with every console message, page error and request recorded."""

    def __init__(self, browser, path: Path):
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.console, self.requests = [], []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)
        self.page.wait_for_selector(".netkit-map[data-rendered=true]", state="attached",
                                    timeout=30_000)

    def js(self, expression: str):
        return self.page.evaluate(expression)

    def screenshot(self, name: str, tmp_path: Path) -> Path:
        folder = Path(os.environ.get("NETKIT_SCREENSHOTS", tmp_path))
        folder.mkdir(parents=True, exist_ok=True)
        return Path(self.page.screenshot(path=str(folder / name)) and folder / name)

    def assert_clean(self):
        assert self.console == []
        assert self.requests == [self.url]


@pytest.fixture
def open_page(browser):
    pages = []

    def _open(path):
        pages.append(Opened(browser, path))
        return pages[-1]

    yield _open
    for p in pages:
        p.page.close()


def test_partner_map_renders_with_every_node_and_nothing_leaves_the_page(open_page, tmp_path):
    path = map_partners(netkit.find_partners(RIVERSIDE, "frailty-admissions")).save(
        tmp_path / "frailty.html")
    page = open_page(path)
    assert page.js("document.querySelectorAll('.nk-canvas canvas').length") == 1
    # one node per candidate: 8 core and 6 inform (a seat is one node)
    assert page.js("window.netkitMaps[0].network.body.nodeIndices.length") == 14
    assert page.js("document.querySelector('.netkit-map').dataset.nodes") == "14"
    assert page.js("document.querySelector('.nk-status').textContent") == "14 of 14 nodes shown"
    # The canvas has been drawn on: some pixels are not white.
    assert page.js("""(() => { const c = document.querySelector('.nk-canvas canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let inked = 0; for (let i = 0; i < d.length; i += 4) { if (d[i] < 200) inked++; }
        return inked; })()""") > 1000
    assert page.screenshot("frailty-map.png", tmp_path).stat().st_size > 10_000
    page.assert_clean()


def test_tooltip_shows_a_name_with_markup_characters_as_text(open_page, tmp_path):
    page = open_page(map_system(TINY).save(tmp_path / "tiny.html"))
    x, y = page.js("""(() => { const m = window.netkitMaps[0];
        const p = m.network.canvasToDOM(m.network.getPositions(['CARE']).CARE);
        const r = document.querySelector('.nk-canvas').getBoundingClientRect();
        return [r.left + p.x, r.top + p.y]; })()""")
    page.page.mouse.move(x, y)
    # (a function, not an expression: the page's policy forbids evaluating strings)
    page.page.wait_for_function("() => { const t = document.querySelector('div.vis-tooltip'); "
                                "return t !== null && t.style.visibility === 'visible'; }",
                                timeout=5_000)
    tip = page.js("document.querySelector('div.vis-tooltip').innerText")
    assert tip.splitlines() == ["Smith & Sons <Care> Ltd (CARE)", "care home",
                                "50 patient contacts a year"]
    # Text only: setting innerText makes line breaks, and nothing else becomes an element.
    assert page.js("[...document.querySelectorAll('div.vis-tooltip *')].map(e => e.tagName)") \
        == ["BR", "BR"]
    page.screenshot("tiny-tooltip.png", tmp_path)
    page.assert_clean()


def test_filters_search_and_relax(open_page, tmp_path):
    # a seat costs 0.03 here so that the care home is inform (at 0.02 every candidate is core)
    page = open_page(map_partners(netkit.find_partners(
        TINY, "frailty", coordination_cost="partner=0.03")).save(tmp_path / "p.html"))
    shown = "document.querySelector('.netkit-map').dataset.shown"
    assert page.js(shown) == "7"
    page.page.uncheck(".nk-filter-box[data-field=tier][value=inform]")
    assert page.js(shown) == "6"
    page.page.uncheck(".nk-filter-box[data-field=family][value=hospital]")
    assert page.js(shown) == "5"
    assert page.js("document.querySelector('.nk-status').textContent") == "5 of 7 nodes shown"
    page.page.check(".nk-filter-box[data-field=tier][value=inform]")
    page.page.fill(".nk-search", "smith")
    assert page.js("document.querySelector('.nk-found').textContent") == "1 match"
    assert page.js("window.netkitMaps[0].network.getSelectedNodes()") == ["CARE"]
    page.page.select_option(".nk-scheme", "type")
    assert page.js("window.netkitMaps[0].nodes.get('ACUTE').color.background") == "#D55E00"
    assert page.js("document.querySelector('.nk-legend[data-scheme=tier]').hidden") is True
    page.page.click(".nk-relax")
    page.page.wait_for_selector(".netkit-map[data-physics=off]", state="attached",
                                timeout=30_000)
    assert page.js("window.netkitMaps[0].network.physics.options.enabled") is False
    page.assert_clean()


def test_partner_report_page_renders_its_map(open_page, tmp_path):
    path = tmp_path / "report.html"
    path.write_text(netkit.find_partners(RIVERSIDE, "frailty-admissions").to_html(),
                    encoding="utf-8")
    page = open_page(path)
    assert page.js("window.netkitMaps.length") == 1
    assert page.js("window.netkitMaps[0].network.body.nodeIndices.length") == 14
    page.screenshot("frailty-report.png", tmp_path)
    page.assert_clean()


def test_engagement_pack_page_opens_offline_with_its_board_summary(browser, tmp_path):
    # The pack's page has no map (Opened waits for one), so it is opened here directly.
    path = tmp_path / "pack.html"
    path.write_text(netkit.engagement_pack(RIVERSIDE, "frailty-admissions").to_html(),
                    encoding="utf-8")
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    console, requests = [], []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.resolve().as_uri())
    try:
        headings = page.evaluate("[...document.querySelectorAll('h2')].map(h => h.textContent)")
        assert headings[:2] == ["Board summary", "Who does what (RACI)"]
        asks = page.evaluate("[...document.querySelectorAll('p')].map(p => p.textContent)"
                             ".filter(t => /^\\d\\. Agree/.test(t))")
        assert 3 <= len(asks) <= 5
        assert page.evaluate("document.querySelectorAll('table').length") >= 3
        assert page.evaluate("document.querySelectorAll('script').length") == 0
        folder = Path(os.environ.get("NETKIT_SCREENSHOTS", tmp_path))
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / "frailty-pack.png"), full_page=True)
        assert console == []
        assert requests == [path.resolve().as_uri()]
    finally:
        page.close()
