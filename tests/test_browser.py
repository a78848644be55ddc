"""The report as a reader sees it: every page opened in headless Chromium (Debian's), nothing broken.

Opens each site's ``index.html`` and every page it links; fails on a link or image that points to a
missing file, an image that does not decode, a console error, a script error or any request to the
web. Screenshots of the index and of one transcript page go to ``tests/output/``.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

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
