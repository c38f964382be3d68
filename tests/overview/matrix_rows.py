"""The overview's rows of the authorization matrix (see tests/matrix.py).

Every signed-in user may see the overview: its figures narrow themselves to what
each viewer may see (tests/overview/test_figures.py proves that part). The
open-data page explains the publication rules to anyone, signed in or not.
"""

from __future__ import annotations

from tests.matrix import Route, everyone, signed_in

ROUTES = [
    Route("/overview/", signed_in(200)),
    Route("/overview/countries/<str:code>/", signed_in(200), path="/overview/countries/TH/"),
    Route("/overview/charts/<str:name>.json", signed_in(200),
          path="/overview/charts/map.json?scope=TH"),
    Route("/overview/report.pdf", signed_in(200),
          path="/overview/report.pdf?kind=security&scope=SG&period=2025-Q1"),
    Route("/overview/open-data/", everyone(200)),
    Route("GET /api/v1/overview/figures", signed_in(200, anonymous=401),
          path="/api/v1/overview/figures?period=2025&scope=SG"),
]
