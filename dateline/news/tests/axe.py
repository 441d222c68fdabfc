"""axe-core in Chromium, for any browser test: `assert_accessible(page)` fails with each
violation's rule, impact, help and the elements it found, or passes on none.

The same axe-core as the page checks (a11y.py: the npm package pinned in
tests/package-lock.json), so nothing is fetched at test time. The rules are axe's defaults
(WCAG 2.0/2.1 A and AA and best practices) unless `tags` narrows them.
"""

from __future__ import annotations

from dateline.news.tests.a11y import AXE_JS, node_package

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_violations(page, *, context=None, tags: list[str] | None = None) -> list[dict]:
    """axe's violations on the page as it stands now (run after it has settled)."""
    page.evaluate(node_package(AXE_JS).read_text(encoding="utf-8"))
    options: dict = {"resultTypes": ["violations"]}
    if tags:
        options["runOnly"] = {"type": "tag", "values": tags}
    result = page.evaluate(
        "async ([context, options]) => await axe.run(context || document, options)",
        [context, options],
    )
    assert result["passes"] or result["violations"], "axe checked nothing"
    return result["violations"]


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
