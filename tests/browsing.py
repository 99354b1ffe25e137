"""What the browser tests share: Debian's Chromium driven by Playwright, a person's own browser context (a
phone or a desk's screen), the back office's login form, numbered screenshots, and the two checks of our
pages: no serious or critical axe-core violation, no horizontal scrolling.

A test module's browser:

    @pytest.fixture(scope="module")
    def browser():
        yield from browsing.launched(ARTIFACTS)

Playwright and axe-core are imported when a browser is launched (a missing one skips the test), so that a
module with other tests may import this one.
"""

import os
from functools import cache
from pathlib import Path

import pytest

from tests.office.conftest import PASSWORD

# Playwright's sync API runs an event loop in the test's thread; the test's own ORM calls are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"  # gitignored; CI keeps them
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 1000}
LOCALE = "vi-VN"
TIMEOUT_MS = 20_000
BLOCKING = ("serious", "critical")
# The elements that reach past the given width (told when a page scrolls sideways).
WIDER_THAN = """(width) => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width + 0.5)
  .map(e => `${e.tagName.toLowerCase()}#${e.id}.${e.className} right=${Math.round(e.getBoundingClientRect().right)}`)
  .slice(0, 20)"""


def artifacts(name: str) -> Path:
    """The folder of one test module's screenshots and files: test-artifacts/<name>/."""
    return ARTIFACTS / name


def launched(folder: Path | None = None):
    """Yield Debian's Chromium launched by Playwright, for a fixture (`yield from launched(folder)`); closed
    after. Fails, naming the package, when Chromium is missing. `folder` is created and its old screenshots
    removed."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    pytest.importorskip("axe_playwright_python.sync_playwright")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does)")
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@cache
def _axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


class Violations(list):
    """axe-core violations; str() tells each one's impact, rule, help and the first elements it found."""

    def __str__(self):
        lines = []
        for violation in self:
            lines.append(f"{violation['impact']} {violation['id']}: {violation['help']}")
            for node in violation["nodes"][:5]:
                lines.append(f"    {node['target']} {node.get('failureSummary', '')}".replace("\n", " "))
        return "\n".join(lines)


def serious_violations(page) -> Violations:
    """The serious and critical axe-core violations of the page as it is now (empty when there are none)."""
    return Violations(v for v in _axe().run(page).response["violations"] if v["impact"] in BLOCKING)


def too_wide(page, width: int, *, tolerance: int = 1) -> str:
    """Why the page scrolls sideways at `width` px (its width and the elements past the edge), or "" when
    its content is at most `width` + `tolerance` px wide (1 px of rounding by default)."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width <= width + tolerance:
        return ""
    return f"{scroll_width}px wide at a {width}px viewport; past the edge: {page.evaluate(WIDER_THAN, width)}"


class Screenshots:
    """Numbered full-page screenshots (01-name.png, 02-…) in one folder, shared by a test's browser contexts."""

    def __init__(self, folder: Path):
        self.folder, self.count = folder, 0

    def take(self, page, name):
        self.count += 1
        page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}.png"), full_page=True)


class Visitor:
    """One person's own browser context (own cookies) on the site at `base_url`: a desk's screen, or a
    phone at 390 × 844. `open` checks the answer's status when the class or the call names one."""

    expected_status: int | None = None

    def __init__(self, browser, base_url, *, phone=False):
        screen = {"viewport": PHONE, "is_mobile": True, "has_touch": True} if phone else {"viewport": DESK}
        self.context = browser.new_context(locale=LOCALE, **screen)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.base_url = base_url

    def open(self, path, status=None):
        response = self.page.goto(f"{self.base_url}{path}")
        status = status or self.expected_status
        if status is not None:
            assert response.status == status, (path, response.status)
        return response

    def close(self):
        self.context.close()


class BackOfficeUser(Visitor):
    """An officer at a desk's screen, logged in through the back office's login form (/dang-nhap/)."""

    def __init__(self, browser, base_url, username, password=PASSWORD):
        super().__init__(browser, base_url)
        self.page.goto(f"{base_url}/dang-nhap/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("button[type=submit] >> text=Đăng nhập")
        self.page.wait_for_url(f"{base_url}/hang-doi/")

    def submit(self, form, fields=None, selects=None, *, navigates=False):
        """Fill the form's fields (name → text) and selects (name → option label), post it, wait for the page."""
        for name, value in (fields or {}).items():
            form.locator(f"[name={name}]").fill(value)
        for name, label in (selects or {}).items():
            form.locator(f"select[name={name}]").select_option(label=label)
        if navigates:
            with self.page.expect_navigation():
                form.locator("button[type=submit]").click()
        else:
            form.locator("button[type=submit]").click()
        self.page.wait_for_load_state()

    def act(self, action, fields=None, selects=None):
        """Post the dossier page's action form #action-<action>."""
        self.submit(self.page.locator(f"#action-{action}"), fields, selects)

    def status(self):
        """The dossier page's status."""
        return self.page.inner_text("#status")
