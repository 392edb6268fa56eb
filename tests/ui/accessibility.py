"""axe-core audits for the browser tests: WCAG 2.1 A and AA, on a whole page or on one widget's own DOM.

axe-core's axe.min.js comes inside the axe-playwright-python wheel (docs/requirements.txt), so the audit needs
no npm and no network. The bar (DESIGN.md, issue 20): no serious or critical violation. Moderate and minor ones
are returned too, printed by the tests and listed in docs/ACCESSIBILITY.md.
"""

from __future__ import annotations

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


def axe_audit(page, include: str | None = None) -> list[dict]:
    """Run axe-core on ``page`` (or on the elements matching the CSS selector ``include``) against WCAG 2.1 AA.

    Returns:
        One dict per violated rule: ``{"id", "impact", "help", "nodes": [target selector strings]}``.

    Raises:
        AssertionError: ``include`` matches nothing (an audit of nothing would pass vacuously).
    """
    from axe_playwright_python.sync_playwright import Axe

    if include is not None:
        assert page.locator(include).count(), f"nothing on the page matches {include!r}: nothing to audit"
    wait_for_transitions(page)
    # preload off: axe would fetch every stylesheet's @import relative to the page instead of the stylesheet
    # (sphinx-book-theme's theme.css imports ../basic.css), a 404 that is the auditor's, not the site's. Only
    # css-orientation-lock reads that preload; it is left "incomplete" (docs/ACCESSIBILITY.md).
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"], "preload": False}
    context = {"include": [[include]]} if include else None
    results = Axe().run(page, context=context, options=options).response
    return [
        {"id": v["id"], "impact": v.get("impact"), "help": v["help"],
         "nodes": [" ".join(map(str, node["target"])) for node in v["nodes"]]}
        for v in results["violations"]
    ]


# Every finite CSS transition and animation on the page has run to its end (an endless one, a spinner, is left),
# or 10 s have passed: a page that keeps starting new ones is audited as it is then, not waited on forever.
_SETTLED_JS = """() => Promise.race([
  Promise.all(document.getAnimations()
    .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
    .map(a => a.finished.catch(() => null))),
  new Promise(resolve => setTimeout(resolve, 10000)),
]).then(() => null)"""


def wait_for_transitions(page) -> None:
    """Wait until the page's colours are the ones it comes to rest on.

    A theme that switches to dark on load (pydata-sphinx-theme) fades its buttons' colours over 0.15 s. On a loaded
    machine axe once read the search button's text mid-fade, black on the dark surface, and failed the page
    (CI, 2026-12-07); a reader sees that colour for a frame. The audit is of the page at rest.
    """
    page.evaluate(_SETTLED_JS)


def blocking(violations: list[dict]) -> list[dict]:
    """The serious and critical ones: each fails the test."""
    return [v for v in violations if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    """One line per violation, with up to three of the elements it names."""
    lines = []
    for v in violations:
        more = f" (+{len(v['nodes']) - 3} more)" if len(v["nodes"]) > 3 else ""
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} -- {', '.join(v['nodes'][:3])}{more}")
    return "\n".join(lines) or "  none"
