"""The page gates every browser journey runs after every navigation: `check_page(page)`.

For each page: axe-core (WCAG 2.0/2.1/2.2 A and AA) with zero violations; exactly one h1;
a non-empty `<title>` that is unique to the page (and starts "Error: " exactly when the
error summary shows); header, main and footer landmarks; a skip link as the first focus
stop, pointing at the main content; a label for every input, select and textarea; header
cells in every table; error-summary links that point at fields; no horizontal scrolling
at 320 CSS px (400% zoom); no console errors (CSP violations included) or failed requests.
The raw HTML of each page is kept and checked by the Nu Html Checker in one batch at the
end of the session (`GateRecorder.finish`).
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from flask import Flask
from playwright.sync_api import ConsoleMessage, Error, Page, Response
from werkzeug.exceptions import HTTPException

from config import BASE_DIR

AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
REFLOW_WIDTH = 320
ERROR_PAGE_STATUSES = {400, 403, 404, 405, 413, 429, 500}

STRUCTURE_JS = """
() => {
  const problems = [];
  const outside = (el) => !el.closest('main, article, aside, nav, section');
  const h1s = document.querySelectorAll('h1');
  if (h1s.length !== 1) problems.push(`expected exactly one h1, found ${h1s.length}`);
  if (!document.title.trim()) problems.push('the <title> is empty');
  const mains = document.querySelectorAll('main, [role=main]');
  if (mains.length !== 1) problems.push(`expected one main landmark, found ${mains.length}`);
  if (![...document.querySelectorAll('header, [role=banner]')].some(outside))
    problems.push('no header (banner) landmark');
  if (![...document.querySelectorAll('footer, [role=contentinfo]')].some(outside))
    problems.push('no footer (contentinfo) landmark');
  const focusable = [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])'
  )];
  const first = focusable[0];
  if (!first || first.tagName !== 'A' || !(first.getAttribute('href') || '').startsWith('#')) {
    problems.push('the first focusable element is not a skip link');
  } else {
    const target = document.getElementById(first.getAttribute('href').slice(1));
    if (!target || !(target.matches('main') || target.closest('main')))
      problems.push(`the skip link points at ${first.getAttribute('href')}, not the main content`);
  }
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type)) continue;
    const labelled = (el.labels && el.labels.length) || el.getAttribute('aria-label')
      || el.getAttribute('aria-labelledby');
    if (!labelled) problems.push(`no label for ${el.outerHTML.slice(0, 160)}`);
  }
  for (const table of document.querySelectorAll('table')) {
    if (!table.querySelector('th')) problems.push(`a table without header cells: ${
      table.outerHTML.slice(0, 120)}`);
  }
  const summary = document.querySelector('.nhsuk-error-summary');
  if (summary) {
    for (const link of summary.querySelectorAll('a')) {
      const href = link.getAttribute('href') || '';
      if (!href.startsWith('#') || !document.getElementById(href.slice(1)))
        problems.push(`error summary link ${href} does not point at a field on the page`);
    }
  }
  return {problems, title: document.title.trim(), hasErrorSummary: !!summary};
}
"""

AXE_RUN_JS = """
async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(' '), html: n.html})),
  }));
}
"""


class GateFailure(AssertionError):
    pass


@dataclass
class PageWatch:
    """What happened on one browser page since its last check."""

    document: Response | None = None
    unchecked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Visit:
    url: str
    key: str
    file: Path


class GateRecorder:
    """Runs the gates on each page and keeps what the session-wide checks need."""

    def __init__(self, app: Flask, html_dir: Path) -> None:
        self.app = app
        self.html_dir = html_dir
        self.axe_source = AXE_JS.read_text()
        self.titles: dict[str, str] = {}  # title → the page (key) that uses it
        self.visits: list[Visit] = []
        self.endpoints: set[str] = set()
        self._watches: WeakKeyDictionary[Page, PageWatch] = WeakKeyDictionary()

    # --- watching pages ---------------------------------------------------------
    def watch(self, page: Page) -> None:
        watch = self._watches[page] = PageWatch()

        def on_response(response: Response) -> None:
            request = response.request
            if request.is_navigation_request() and request.frame == page.main_frame:
                if not 300 <= response.status < 400:
                    watch.document = response
                    watch.unchecked.append(response.url)
            elif response.status >= 400:
                watch.failed_requests.append(f"{response.status} {response.url}")

        def on_console(message: ConsoleMessage) -> None:
            # Failed loads are reported (with their URL) by on_response instead.
            if message.type == "error" and not message.text.startswith("Failed to load resource"):
                watch.console_errors.append(message.text)

        def on_page_error(error: Error) -> None:
            watch.console_errors.append(f"uncaught {error.name}: {error.message}")

        page.on("response", on_response)
        page.on("console", on_console)
        page.on("pageerror", on_page_error)

    def release(self, page: Page) -> None:
        """At the end of a test: every page it reached must have been checked."""
        watch = self._watches.pop(page, None)
        if watch and watch.unchecked:
            raise GateFailure(
                "pages reached without check_page(page) afterwards: " + ", ".join(watch.unchecked)
            )

    # --- the per-page gates -----------------------------------------------------
    def check(self, page: Page) -> None:
        watch = self._watches[page]
        page.wait_for_load_state("load")
        document = watch.document
        url = page.url
        if document is None or document.url.split("#")[0] != url.split("#")[0]:
            raise GateFailure(f"{url}: no server response for the page being checked")
        html = document.text()
        problems: list[str] = []

        problems += [f"console error: {text}" for text in watch.console_errors]
        problems += [f"failed request: {failed}" for failed in watch.failed_requests]
        watch.console_errors.clear()
        watch.failed_requests.clear()

        structure: dict[str, Any] = page.evaluate(STRUCTURE_JS)
        problems += structure["problems"]
        title = structure["title"]
        key = self._page_key(url, document.status, structure["hasErrorSummary"])
        if structure["hasErrorSummary"] != title.startswith("Error: "):
            problems.append(
                f"title {title!r}: failed forms (and only they) start the title with 'Error: '"
            )
        if title:
            owner = self.titles.setdefault(title, key)
            if owner != key:
                problems.append(f"title {title!r} is also used by another page: {owner}")

        problems += self._axe(page)
        problems += self._reflow(page)

        # Kept even when a gate fails, so the HTML check at the end reports on it too.
        path = self.html_dir / f"{len(self.visits):03d}.html"
        path.write_text(html, encoding="utf-8")
        self.visits.append(Visit(url, key, path))
        watch.unchecked.clear()
        if problems:
            listed = "\n  - ".join(problems)
            raise GateFailure(f"{url} ({key}) fails the page gates:\n  - {listed}")
        self._record_endpoint(url)

    def _page_key(self, url: str, status: int, has_error_summary: bool) -> str:
        """Which page this is: its route (/decisions/<int:decision_id>), whatever the ids
        or tokens in the URL; pages of one route may share a title."""
        if status in ERROR_PAGE_STATUSES and not has_error_summary:
            return f"the {status} error page"
        path = "/" + url.split("://", 1)[-1].split("/", 1)[-1].split("?")[0].split("#")[0]
        try:
            rule, _ = self.app.url_map.bind("localhost").match(path, return_rule=True)
        except HTTPException:
            path = re.sub(r"/\d+(?=/|$)", "/<id>", path)
        else:
            path = str(rule)
        return f"{path} (with errors)" if has_error_summary else path

    def _axe(self, page: Page) -> list[str]:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            # Evaluated over the DevTools protocol, so the page's CSP stays fully enforced.
            page.evaluate(self.axe_source)
        violations: list[dict[str, Any]] = page.evaluate(AXE_RUN_JS, AXE_TAGS)
        messages = []
        for violation in violations:
            nodes = "\n".join(
                f"      at {node['target']}: {node['html'][:300]}" for node in violation["nodes"]
            )
            messages.append(
                f"axe {violation['id']} ({violation['impact']}): {violation['help']} "
                f"<{violation['helpUrl']}>\n{nodes}"
            )
        return messages

    @staticmethod
    def _reflow(page: Page) -> list[str]:
        size = page.viewport_size or {"width": 1280, "height": 800}
        page.set_viewport_size({"width": REFLOW_WIDTH, "height": size["height"]})
        try:
            # The NHS header moves links that no longer fit into its "More" menu when the
            # window resizes (a ResizeObserver); let it finish, as a zooming user would.
            page.evaluate(
                "() => new Promise((done) => requestAnimationFrame(() => "
                "requestAnimationFrame(() => setTimeout(done, 50))))"
            )
            width = page.evaluate("() => document.documentElement.scrollWidth")
            wide = page.evaluate(
                """(limit) => [...document.querySelectorAll('body *')]
                    .filter((el) => el.getBoundingClientRect().right > limit + 1)
                    .slice(0, 3).map((el) => el.outerHTML.slice(0, 120))""",
                REFLOW_WIDTH,
            )
        finally:
            page.set_viewport_size(size)
        if width > REFLOW_WIDTH:
            return [
                f"scrolls sideways at {REFLOW_WIDTH} CSS px (400% zoom): scrollWidth {width}; "
                f"too wide: {wide}"
            ]
        return []

    def _record_endpoint(self, url: str) -> None:
        path = "/" + url.split("://", 1)[-1].split("/", 1)[-1].split("?")[0].split("#")[0]
        try:
            endpoint, _ = self.app.url_map.bind("localhost").match(path, method="GET")
        except HTTPException:
            return
        self.endpoints.add(str(endpoint))

    # --- the session-wide gates -------------------------------------------------
    def validate_html(self) -> None:
        """Nu Html Checker on every page kept, in one JVM: zero errors."""
        if not self.visits:
            return
        result = subprocess.run(
            [
                "java",
                "-jar",
                str(VNU_JAR),
                "--format",
                "json",
                "--stdout",
                *(str(visit.file) for visit in self.visits),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        try:
            messages = json.loads(result.stdout)["messages"]
        except (json.JSONDecodeError, KeyError) as error:
            raise GateFailure(f"the Nu Html Checker failed: {result.stderr[:2000]}") from error
        by_file = {visit.file.as_uri(): visit for visit in self.visits}
        errors = []
        for message in messages:
            # Warnings and info are advice; errors (and unreadable documents) fail.
            if message.get("type") not in {"error", "non-document-error"}:
                continue
            visit = by_file.get(message.get("url", ""))
            where = f"{visit.url} ({visit.key}, {visit.file.name})" if visit else message.get("url")
            errors.append(
                f"{where} line {message.get('lastLine', '?')}: {message['message']}\n"
                f"      {message.get('extract', '').strip()}"
            )
        if errors:
            raise GateFailure(
                f"the Nu Html Checker found {len(errors)} error(s):\n  - " + "\n  - ".join(errors)
            )


_RECORDERS: WeakKeyDictionary[Page, GateRecorder] = WeakKeyDictionary()


def register(page: Page, recorder: GateRecorder) -> None:
    recorder.watch(page)
    _RECORDERS[page] = recorder


def check_page(page: Page) -> None:
    """Run every page gate on the page now shown. Call it after every navigation."""
    _RECORDERS[page].check(page)
