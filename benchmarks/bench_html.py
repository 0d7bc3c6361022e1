"""The HTML report on the real corpus: time of `check --format html`, page size, browser load time.

    python benchmarks/bench_html.py [--jobs N]

Uses the corpus `bench_static.py` fetched into benchmarks/.corpus/src (run that first). Runs
`numba-lint check --format html --no-cache` and `--format json --no-cache` on it (one after the
other, same flags), prints seconds, jitted functions and the page's size, then opens the page
in Debian's Chromium (Playwright, JavaScript off) when both are installed and prints the time
to load it and how many function sections and type lines it has.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / ".corpus" / "src"


def run_check(fmt: str, output: Path, jobs: int) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "numba_lint", "check", ".", "--format", fmt, "--no-cache"]
        + ["-j", str(jobs), "--exit-zero", "--output", str(output)],
        cwd=CORPUS,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def browser_load(page_path: Path) -> str:
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        chromium = None
    if chromium is None:
        return "browser: skipped (apt-get install -y chromium && pip install playwright)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--proxy-server=http://127.0.0.1:9"]
        )
        page = browser.new_context(java_script_enabled=False).new_page()
        started = time.perf_counter()
        page.goto(page_path.as_uri())
        seconds = time.perf_counter() - started
        sections, types = page.locator("details").count(), page.locator(".types").count()
        browser.close()
    return f"browser: loaded in {seconds:.2f} s, {sections} function sections, {types} type lines"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--jobs", type=int, default=1, help="numba-lint's -j for both checks (default: 1)"
    )
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"no corpus in {CORPUS}: run benchmarks/bench_static.py first")
    folder = Path(tempfile.mkdtemp(prefix="numba-lint-html-"))
    html, report = folder / "report.html", folder / "report.json"
    html_seconds = run_check("html", html, args.jobs)
    json_seconds = run_check("json", report, args.jobs)
    summary = json.loads(report.read_text(encoding="utf-8"))["summary"]
    print(
        f"corpus: {summary['files']} files, {summary['jit_functions']} jitted functions, "
        f"{summary['dynamically_checked']} trial-compiled; -j {args.jobs}, no cache"
    )
    print(f"check --format json: {json_seconds:.1f} s")
    print(f"check --format html: {html_seconds:.1f} s, page {html.stat().st_size / 1e6:.2f} MB")
    print(browser_load(html))
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
