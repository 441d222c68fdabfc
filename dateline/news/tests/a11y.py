"""axe-core in a Playwright page: the accessibility check of test_page_quality.py, for any
browser test that wants it (`axe_violations(page)` after `page.goto`).

axe-core is the npm package pinned in tests/package-lock.json (`make install` puts it in
tests/node_modules). It is evaluated in the page, so the page must come from a context opened
with `bypass_csp=True`: the site's Content-Security-Policy runs no script.
"""

from __future__ import annotations

from pathlib import Path

import pytest

NODE_MODULES = Path(__file__).resolve().parents[3] / "tests" / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"

# axe's default rules, and the WCAG 2.2 touch-target size that axe leaves off by default and
# Lighthouse's accessibility score counts.
AXE_RUN = """async () => await axe.run(document, {
    resultTypes: ["violations"], rules: {"target-size": {enabled: true}}})"""


def node_package(path: Path) -> Path:
    """A file of the pinned npm packages; their absence fails the test, never skips it."""
    if not path.is_file():
        pytest.fail(
            f"{path} is missing: install the page checkers with `make install` "
            "(npm ci --prefix tests)",
            pytrace=False,
        )
    return path


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page as it is now, one line each: rule, impact, how
    many elements, what to fix and the first few elements."""
    page.evaluate(node_package(AXE_JS).read_text(encoding="utf-8"))
    result = page.evaluate(AXE_RUN)
    assert result["passes"] or result["violations"], "axe checked nothing"
    lines = []
    for v in result["violations"]:
        targets = ", ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])}×): {v['help']} — {targets}")
    return lines
