"""Checks on rendered HTML that the Content-Security-Policy relies on."""

from __future__ import annotations

from html.parser import HTMLParser


class _InlineFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.scripts: list[str] = []
        self.stylesheets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        line = self.getpos()[0]
        if tag == "script":
            if values.get("type") == "application/json":
                pass  # a data block (Django's json_script): never run, so the CSP allows it
            elif not values.get("src"):
                self.problems.append(f"line {line}: <script> without src")
            else:
                self.scripts.append(values["src"] or "")
        if tag == "style":
            self.problems.append(f"line {line}: <style> element")
        if tag == "link" and values.get("rel") == "stylesheet":
            self.stylesheets.append(values.get("href") or "")
        for name, _ in attrs:
            if name == "style":
                self.problems.append(f"line {line}: style= on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"line {line}: {name}= handler on <{tag}>")
        for name in ("href", "src", "action"):
            if (values.get(name) or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"line {line}: javascript: URL on <{tag}>")


def inspect(html: str) -> _InlineFinder:
    finder = _InlineFinder()
    finder.feed(html)
    finder.close()
    return finder


def assert_no_inline_code(html: str) -> None:
    problems = inspect(html).problems
    assert not problems, "inline code the CSP would block:\n" + "\n".join(problems)
