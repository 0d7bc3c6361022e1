"""Rule classes -> their documentation pages (the top-level `rules/` folder) and listings.

`numba-lint rule CODE` prints the same text as `rules/<CODE>-<name>.md`; the pages are rendered
from the classes (`python -m numba_lint.catalog --write`) and a test fails when one is stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .checks import ALL_RULES, RuleInfo

# What real Numba does with an example (Example.numba), in words for the pages.
NUMBA_OUTCOMES = {
    "fails": "Numba rejects it",
    "compiles": "Numba compiles it",
    "warns": "Numba compiles it with a warning",
    "syntax-error": "Python cannot parse it",
    "import-fails": "an import fails (a removed Numba API, or a missing module)",
    "other": "it fails when loaded (not a compile error)",
    "nothing-compiled": "nothing is compiled when it runs",
}

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


def find_rule(code_or_name: str) -> type[RuleInfo] | None:
    wanted = code_or_name.strip()
    for rule in ALL_RULES:
        if rule.code == wanted.upper() or rule.name == wanted.lower():
            return rule
    return None


def render_page(rule: type[RuleInfo]) -> str:
    enabled = "yes" if rule.default_enabled else "no (select it with --extend-select)"
    parts = [
        f"# {rule.code} {rule.name}",
        "",
        f"*{rule.summary}* · severity: **{rule.severity.value}** · pass: {rule.pass_.value} · "
        f"enabled by default: {enabled}",
        "",
        rule.docs(),
        "",
    ]
    if rule.invalid or rule.valid:
        parts += [
            "## Tested examples",
            "",
            "Each example below is part of the test suite: it is run through this rule "
            "and through real Numba, and both must do what its heading says.",
            "",
        ]
        for title, kind, examples in (
            ("Flagged", "invalid", rule.invalid),
            ("Not flagged", "valid", rule.valid),
        ):
            for example in examples:
                outcome = example.numba or ("fails" if kind == "invalid" else "compiles")
                parts += [f"### {title}; {NUMBA_OUTCOMES.get(outcome, outcome)}", ""]
                for module, text in example.module_sources.items():
                    parts += [f"`{module}.py`:", "", "```python", text.rstrip("\n"), "```", ""]
                if example.modules:
                    parts += ["The module that imports it:", ""]
                parts += ["```python", example.source.rstrip("\n")]
                if example.call:
                    parts.append(example.call)
                parts += ["```", ""]
    return "\n".join(parts).rstrip("\n") + "\n"


def render_rule(code_or_name: str) -> str | None:
    rule = find_rule(code_or_name)
    return render_page(rule) if rule else None


def rules_table() -> str:
    rows = [f"{'code':<6} {'name':<34} {'severity':<8} {'pass':<7} summary"]
    for rule in sorted(ALL_RULES, key=lambda r: r.code):
        mark = "" if rule.default_enabled else " (off by default)"
        rows.append(
            f"{rule.code:<6} {rule.name:<34} {rule.severity.value:<8} "
            f"{rule.pass_.value:<7} {rule.summary}{mark}"
        )
    return "\n".join(rows) + "\n"


def stale_pages(folder: Path = RULES_DIR) -> list[str]:
    """Pages that differ from what the classes render, are missing, or belong to no rule."""
    problems = []
    expected = {rule.page_name(): render_page(rule) for rule in ALL_RULES}
    for name, text in expected.items():
        page = folder / name
        if not page.is_file():
            problems.append(f"missing: {name}")
        elif page.read_text(encoding="utf-8") != text:
            problems.append(f"stale: {name}")
    for page in folder.glob("NB*.md"):
        if page.name not in expected:
            problems.append(f"orphan: {page.name}")
    return problems


def write_pages(folder: Path = RULES_DIR) -> None:
    folder.mkdir(exist_ok=True)
    for page in folder.glob("NB*.md"):
        page.unlink()
    for rule in ALL_RULES:
        (folder / rule.page_name()).write_text(render_page(rule), encoding="utf-8")
    index = [
        "# numba-lint rules",
        "",
        "| code | name | severity | pass | summary |",
        "|---|---|---|---|---|",
    ]
    for rule in sorted(ALL_RULES, key=lambda r: r.code):
        index.append(
            f"| [{rule.code}]({rule.page_name()}) | {rule.name} | "
            f"{rule.severity.value} | {rule.pass_.value} | {rule.summary} |"
        )
    (folder / "README.md").write_text("\n".join(index) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description="Render or check the rules/ pages.")
    parser.add_argument("--write", action="store_true", help="rewrite the pages")
    args = parser.parse_args()
    if args.write:
        write_pages()
        return 0
    problems = stale_pages()
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
