"""What every browser journey checks on every page it opens: no console error, no script
error, no Content-Security-Policy violation, no static file missing, and no WCAG 2.1 A/AA
violation found by axe-core (vendored from npm by `make vendor`, injected by the test)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AXE = (ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js").read_text()
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Not test-results/: pytest-playwright empties that folder when a run starts.
SHOTS = ROOT / "var" / "journeys"

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}

# Collected by the page itself: violations of the Content-Security-Policy.
CSP_WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@dataclass
class Watch:
    """Everything wrong a page showed since the last check."""

    problems: list[str] = field(default_factory=list)
    # The document itself answering 403/404 is the point of a refusal page, not a problem.
    expected_status: set[int] = field(default_factory=set)

    def attach(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type != "error":
            return
        if "Failed to load resource" in message.text and self.expected_status:
            return  # the refusal page's own status, reported by the console
        self.problems.append(f"console: {message.text}")

    def _response(self, response) -> None:
        if response.status < 400:
            return
        if response.request.resource_type == "document" and response.status in (
            self.expected_status
        ):
            return
        self.problems.append(f"{response.status} {response.url}")


def new_context(browser, device: dict):
    context = browser.new_context(**device, locale="vi-VN", service_workers="allow")
    context.add_init_script(CSP_WATCH)
    return context


def axe_violations(page) -> list[str]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE)
    found = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, { runOnly: { type: "tag", values: tags } });
            return result.violations.map((v) =>
                `${v.id} (${v.impact}): ${v.help} — ` +
                v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", "));
        }""",
        WCAG_A_AA,
    )
    return list(found)


def check_page(page, watch: Watch, shot: str) -> None:
    """Fail on anything wrong the page showed; keep a screenshot to look at."""
    page.wait_for_load_state("networkidle")
    SHOTS.mkdir(parents=True, exist_ok=True)
    tall = page.evaluate("() => document.documentElement.scrollHeight") > 3000
    page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=not tall)
    problems = list(watch.problems)
    problems += [f"CSP: {v}" for v in page.evaluate("() => window.__csp || []")]
    problems += [f"axe: {v}" for v in axe_violations(page)]
    watch.problems.clear()
    assert not problems, f"{shot} ({page.url}):\n" + "\n".join(problems)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def slug(text: str) -> str:
    from core.text import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
