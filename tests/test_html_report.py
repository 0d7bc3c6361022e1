"""`check --format html`: one self-contained page, checked as text and in a real headless Chromium.

The browser test drives Debian's Chromium through Playwright's `executable_path` (Playwright's own
browser download does not work offline), with JavaScript off and every request that is not the
report's own file refused. It skips, with the install command, where either is missing. The
screenshot goes to $NUMBA_LINT_ARTIFACTS (CI keeps that folder) or to pytest's tmp_path.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from numba_lint.cli import main

ROOT = Path(__file__).resolve().parent.parent
PLAIN_LOOP = ROOT / "tests" / "fixtures" / "explain" / "plain_loop.py"
CLEAN = ROOT / "examples" / "clean.py"
INSTALL = "apt-get install -y chromium && pip install playwright"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html") / "report.html"
    code = main(["check", str(PLAIN_LOOP), str(CLEAN), "--format", "html", "--output", str(out)])
    assert code == 1  # plain_loop.py fails
    return out


def test_self_contained_page(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    # Nothing is loaded from anywhere: no script, stylesheet link, image or frame.
    for loader in ("<script", "<link", "<img", "<iframe", "src=", "@import", "url("):
        assert loader not in page
    assert "<style>" in page
    # The overview and the annotated source of both files.
    assert "plain_loop.py" in page and "clean.py" in page
    assert "failing" in page and "trial-compiled" in page
    assert "i: int64" in page and "total: float64" in page
    assert "rules/NB101-plain-class-attribute.md" in page


def test_output_to_an_unwritable_place(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(CLEAN), "--static-only", "--output", "/nonexistent/dir/r.html"])
    assert code == 2
    assert "--output /nonexistent/dir/r.html" in capsys.readouterr().err


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def test_report_in_headless_chromium(report: Path, tmp_path: Path) -> None:
    executable = _chromium()
    if executable is None:
        pytest.skip(f"no Chromium installed ({INSTALL})")
    sync_api = pytest.importorskip("playwright.sync_api", reason=f"no Playwright ({INSTALL})")
    artifacts = Path(os.environ.get("NUMBA_LINT_ARTIFACTS", tmp_path))
    artifacts.mkdir(parents=True, exist_ok=True)
    # Keep Chromium off the network: a proxy that does not exist, no background services.
    flags = [
        "--proxy-server=http://127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-sandbox",
    ]
    requested: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=flags)
        try:
            context = browser.new_context(java_script_enabled=False)
            page = context.new_page()
            page.on("request", lambda request: requested.append(request.url))
            page.goto(report.as_uri())
            failing = page.locator(".failing")
            assert failing.count() == 1
            assert "total += row[j] * a.x" in failing.inner_text()
            assert failing.is_visible()
            # The highlight is really drawn (the inline stylesheet applied).
            background = failing.evaluate("e => getComputedStyle(e).backgroundColor")
            assert background not in ("rgba(0, 0, 0, 0)", "transparent")
            types = page.locator(".types").all_inner_texts()
            assert any("i: int64" in text for text in types)
            finding = page.locator(".finding").first
            assert "NB101" in finding.inner_text() and finding.is_visible()
            assert page.locator(".finding a").first.get_attribute("href", timeout=1000)
            page.screenshot(path=str(artifacts / "html-report.png"), full_page=True)
        finally:
            browser.close()
    assert requested == [report.as_uri()]
    assert (artifacts / "html-report.png").stat().st_size > 1000


def test_notebook_functions_shown_with_their_cells(tmp_path: Path) -> None:
    notebook = ROOT / "tests" / "fixtures" / "notebooks" / "tutorial.ipynb"
    out = tmp_path / "notebook.html"
    assert main(["check", str(notebook), "--format", "html", "--output", str(out)]) == 1
    page = out.read_text(encoding="utf-8")
    # The failing line of cell 5 (the notebook's own module) and of the %%writefile cell 10,
    # highlighted with the cell's own text, and the types inferred up to the failure.
    assert '<div class="failing"><span class="no">cell 5:2</span>    return a.x + b.x' in page
    assert '<span class="no">cell 10:13</span>    return p.x * p.x + p.y * p.y' in page
    assert "a: untypable(a: MyInt), b: untypable(b: MyInt)" in page
    assert "p: untypable(p: Point)" in page
