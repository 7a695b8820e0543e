"""Headless Chromium driven by Playwright, for tests of the HTML reports.

Playwright cannot download its own browser here, so it drives Debian's ``/usr/bin/chromium``.
Playwright's sync API refuses to start while another Playwright (the web tests' session browser)
runs in the same thread, so every call runs in a thread of its own.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


class Browser:
    """One headless Chromium page; records every request URL and every page error.

    ``requests``: URLs the page asked for; ``errors``: uncaught exceptions, console errors and
    assertions, and failed requests, as text.
    """

    def __init__(self) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1)
        try:
            self._call(self._start)
        except Exception:
            self._thread.shutdown()
            raise

    def _call(self, fn, *args):
        return self._thread.submit(fn, *args).result()

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=str(CHROMIUM),
                                                     headless=True, args=ARGS)
        except Exception:
            self._pw.stop()
            raise
        self.page = self._browser.new_page(viewport={"width": 1280, "height": 900})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(f"exception: {e}"))
        self.page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}")
                     if m.type in ("error", "assert") else None)
        self.page.on("requestfailed", lambda r: self.errors.append(f"request failed: {r.url}"))

    def open(self, url: str) -> None:
        """Load ``url`` and wait for its load event."""
        self._call(lambda: self.page.goto(url, wait_until="load"))

    def js(self, expression: str) -> object:
        """The value of a JavaScript expression (or the last statement of a script)."""
        return self._call(self.page.evaluate, expression)

    def screenshot(self, path: Path) -> None:
        self._call(lambda: self.page.screenshot(path=str(path)))

    def close(self) -> None:
        def stop() -> None:
            self._browser.close()
            self._pw.stop()

        try:
            self._call(stop)
        finally:
            self._thread.shutdown()
