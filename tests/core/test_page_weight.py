"""Pages must stay usable over a slow link: under 100 KB for a page without charts."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from jaring.identity.roles import Role
from tests.core.htmlcheck import inspect

BUDGET = 100 * 1024
CHART_LIBRARIES = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")


def _static_file(url: str) -> bytes:
    assert url.startswith(settings.STATIC_URL), f"{url} is not a local static file"
    found = finders.find(url.removeprefix(settings.STATIC_URL))
    assert found, f"{url} is referenced but missing"
    return Path(found).read_bytes()


def _page_and_assets(html: str) -> dict[str, bytes]:
    found = inspect(html)
    return {url: _static_file(url) for url in [*found.stylesheets, *found.scripts]}


@pytest.mark.parametrize("path", ["/", "/organisations/", "/account/tokens"])
def test_page_without_charts_is_under_100_kb(path, user_of, signed_in):
    client = signed_in(user_of(Role.ADMINISTRATOR, "TH"))
    html = client.get(path).content
    assets = _page_and_assets(html.decode())
    assert not [url for url in assets if url.endswith(CHART_LIBRARIES)]
    total = len(html) + sum(len(body) for body in assets.values())
    # Uncompressed, which is stricter than what whitenoise actually sends.
    assert total < BUDGET, f"{path}: {total} bytes"
    compressed = len(gzip.compress(html)) + sum(len(gzip.compress(b)) for b in assets.values())
    assert compressed < total / 2


def test_sign_in_page_is_under_100_kb(client):
    html = client.get("/account/login").content
    assets = _page_and_assets(html.decode())
    assert len(html) + sum(len(body) for body in assets.values()) < BUDGET


def test_chart_libraries_are_vendored_not_fetched():
    for name in ("htmx.min.js", *CHART_LIBRARIES):
        body = _static_file(f"{settings.STATIC_URL}vendor/{name}")
        assert len(body) > 10_000
    licences = Path(finders.find("vendor/README.md")).read_text()
    for package in ("htmx.org", "vega", "vega-lite", "vega-embed"):
        assert finders.find(f"vendor/LICENSE.{package}"), package
        assert f"| {package} |" in licences
