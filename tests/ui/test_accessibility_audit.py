"""The auditor itself (tests/ui/accessibility.py): it reads a page at rest, not in the middle of a fade."""

import pytest

from .accessibility import axe_audit, blocking

pytestmark = pytest.mark.ui

# Dark paper; the text starts black and fades to light grey over 1.5 s once the page has painted, as a theme
# that turns dark on load fades its buttons. At rest the contrast is about 15:1; early in the fade under 3:1.
FADING_PAGE = """<!doctype html><html lang="en"><head><title>Fade</title><style>
  body { background: #111827; }
  p { color: #000000; transition: color 1.5s linear; }
  html.dark p { color: #e5e7eb; }
</style></head><body><main><h1 style="color:#fff">Fade</h1><p id="text">Search</p></main>
<script>requestAnimationFrame(() => requestAnimationFrame(() => document.documentElement.classList.add('dark')));</script>
</body></html>"""


def test_the_audit_waits_for_a_fade_to_end(browser_page):
    browser_page.set_content(FADING_PAGE)
    browser_page.wait_for_function("() => document.getAnimations().length > 0")
    early = browser_page.evaluate("() => getComputedStyle(document.getElementById('text')).color")
    assert early != "rgb(229, 231, 235)", "the fade had ended before the audit: this test would prove nothing"

    violations = axe_audit(browser_page)

    assert blocking(violations) == [], violations
    assert browser_page.evaluate("() => getComputedStyle(document.getElementById('text')).color") == "rgb(229, 231, 235)"
