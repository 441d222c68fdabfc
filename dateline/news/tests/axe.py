"""axe-core in Chromium, for any browser test: `assert_accessible(page)` fails with each
violation's rule, impact, help and the elements it found, or passes on none.

axe-core comes bundled in the pinned PyPI package axe-playwright-python (axe 4.12.1), so
nothing is fetched at test time. The rules are axe's defaults (WCAG 2.0/2.1 A and AA and
best practices) unless `rules` narrows them.
"""

from __future__ import annotations

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_violations(page, *, context=None, tags: list[str] | None = None) -> list[dict]:
    """axe's violations on the page as it stands now (run after it has settled)."""
    from axe_playwright_python.sync_playwright import Axe

    options: dict = {"resultTypes": ["violations"]}
    if tags:
        options["runOnly"] = {"type": "tag", "values": tags}
    return Axe().run(page, context=context, options=options).response["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v.get('impact')}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node.get('failureSummary', '')}")
    return "\n".join(lines)


def assert_accessible(page, *, context=None, tags: list[str] | None = None) -> None:
    """No axe violation on `page` (or within `context`, a CSS selector)."""
    violations = axe_violations(page, context=context, tags=tags)
    assert not violations, f"axe-core found on {page.url}:\n{describe(violations)}"
