"""The report as a reader sees it: every page opened in headless Chromium (Debian's), nothing broken.

Opens each site's ``index.html`` and every page it links; fails on a link or image that points to a
missing file, an image that does not decode, a console error, a script error or any request to the
web. Screenshots of the index and of one transcript page go to ``tests/output/``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest
from conftest import copy_project, seci

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
OUTPUT = Path(__file__).parent / "output"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("SECI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and SECI_REQUIRE_BROWSER=1: install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); set SECI_REQUIRE_BROWSER=1 to fail instead")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def local_file(url: str) -> Path | None:
    """The file a file:// URL points to (fragment dropped); None for any other scheme."""
    parsed = urlparse(urldefrag(url)[0])
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


def check_page(browser, page_path: Path, screenshot: Path | None = None) -> tuple[list[str], list[str]]:
    """Open one page; return (problems found, the local pages it links)."""
    problems: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("http*://**/*", lambda route: (problems.append(f"fetches {route.request.url}"), route.abort()))
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed to load {request.url}"))
    page.goto(page_path.as_uri(), wait_until="load")

    links = page.eval_on_selector_all("a[href]", "elements => elements.map(e => e.href)")
    for url in page.eval_on_selector_all("a[href], img[src]", "elements => elements.map(e => e.href || e.src)"):
        target = local_file(url)
        if target is not None and not target.exists():
            problems.append(f"broken link {url}")
    for fragment in page.eval_on_selector_all(
            "a[href^='#']", "elements => elements.map(e => e.getAttribute('href').slice(1))"):
        if fragment and not page.evaluate("id => document.getElementById(decodeURIComponent(id)) !== null", fragment):
            problems.append(f"link to missing anchor #{fragment}")
    broken_images = page.eval_on_selector_all(
        "img", "images => images.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src.slice(0, 80))")
    problems += [f"image does not show: {src}" for src in broken_images]
    if screenshot:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=False)
    context.close()
    pages = sorted({str(target) for url in links if (target := local_file(url)) and target.suffix == ".html"
                    and target.exists() and target != page_path})
    return [f"{page_path.name}: {problem}" for problem in problems], pages


@pytest.mark.slow
def test_every_page_of_the_report_opens_without_a_broken_link_image_or_error(browser, study_run):
    for site in study_run.sites:
        index = study_run.root / "reports" / site / "index.html"
        problems, pages = check_page(browser, index, OUTPUT / f"index-{site}.png")
        assert len(pages) >= 10, "index links the notebooks' HTML and the transcript pages"
        first_transcript = next(page for page in pages if "/transcripts/" in page)
        for page in pages:
            shot = OUTPUT / f"transcript-{site}.png" if page == first_transcript else None
            problems += check_page(browser, Path(page), shot)[0]
        assert problems == []
    assert (OUTPUT / f"index-{study_run.sites[0]}.png").stat().st_size > 10_000


# --- site text stays text ----------------------------------------------------------------------------

XSS_SITE = "uin-imam-bonjol-en"
# Each payload, if it ran, would set window.__xss; a live link or frame would be found in the page.
PAYLOAD = ('<img src=x onerror="window.__xss=1"> <script>window.__xss=2</script> [klik](javascript:window.__xss=3) '
           '<iframe srcdoc="<script>parent.__xss=4</script>"></iframe>')
SHOWN = "onerror="  # a piece of the payload that each page shows as text


def inject_payloads(site_dir: Path) -> None:
    """The payload in every source of text a page shows: study.yaml's title and note, an informant
    field, a code's label and definition (a site codebook), and every informant answer (so every quote)."""
    quoted = json.dumps(PAYLOAD)  # a JSON string is a YAML string
    study = site_dir / "study.yaml"
    lines = [f"title: {quoted}" if line.startswith("title:") else f"reconstruction_note: {quoted}"
             if line.startswith("reconstruction_note:") else line
             for line in study.read_text(encoding="utf-8").splitlines()]
    study.write_text("\n".join([*lines, "codebook: codebook.yaml", ""]), encoding="utf-8")
    codebook = (Path(__file__).resolve().parents[1] / "pipeline/codebooks/seci.yaml").read_text(encoding="utf-8")
    codebook = codebook.replace("label: {id: Sosialisasi, en: Socialization}", f"label: {{id: {quoted}, en: {quoted}}}")
    codebook = codebook.replace("Sharing and creating tacit", f"{PAYLOAD} Sharing and creating tacit", 1)
    (site_dir / "codebook.yaml").write_text(codebook, encoding="utf-8")
    informants = site_dir / "informants.csv"
    csv_cell = '"' + PAYLOAD.replace('"', '""') + '"'  # as a spreadsheet saves it
    informants.write_text(informants.read_text(encoding="utf-8").replace("human resources", csv_cell), encoding="utf-8")
    for transcript in (site_dir / "transcripts").glob("*.txt"):
        text = transcript.read_text(encoding="utf-8")
        transcript.write_text(text.replace("\nInformant: ", f"\nInformant: {PAYLOAD} "), encoding="utf-8")


def xss_problems(browser, page_path: Path) -> list[str]:
    """What a payload did in one page: ran a script, left a javascript: link, a frame or an event handler;
    and whether the page failed to show the payload as text (then the test would prove nothing)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(page_path.as_uri(), wait_until="load")
    found = page.evaluate("""shown => ({
        ran: window.__xss !== undefined,
        javascript_links: [...document.querySelectorAll('a[href]')].filter(a => a.protocol === 'javascript:').length,
        frames: document.querySelectorAll('iframe, frame, object, embed').length,
        handlers: [...document.querySelectorAll('*')].filter(e => e.hasAttribute('onerror')).length,
        not_shown: !document.body.innerText.includes(shown),
    })""", SHOWN)
    context.close()
    return [f"{page_path.name}: {problem}" for problem, value in found.items() if value]


@pytest.mark.slow
def test_text_from_a_site_shows_as_text_in_every_page(browser, tmp_path):
    root = copy_project(tmp_path, parts=(f"data/raw/{XSS_SITE}", "data/reference", "notebooks"))
    inject_payloads(root / "data/raw" / XSS_SITE)
    result = seci(root, "run", "--site", XSS_SITE, "--no-browser")
    assert result.returncode == 0, result.stderr
    report = root / "reports" / XSS_SITE
    pages = sorted(report.glob("*.html")) + sorted((report / "transcripts").glob("*.html"))
    assert len(pages) == 1 + 6 + 11
    problems = [problem for page in pages for problem in xss_problems(browser, page)]
    assert problems == []
