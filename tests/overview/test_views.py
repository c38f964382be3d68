from __future__ import annotations

from html import unescape

import pytest
from django.urls import path

from jaring.audit.models import AuditEvent
from jaring.identity.roles import Role
from jaring.overview import figures
from tests.overview.factories import campaign, registered, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    campaign("2025-02-03", "SG", "TH", "MY")
    report("SG", "2025-01-10", tlp="red", loss="500")
    report("TH", "2024-03-10", loss="250")


def test_overview_page_shows_figures_charts_and_report_button(world, user_of, signed_in):
    client = signed_in(user_of(Role.INTEL_ANALYST, "SG"))
    html = client.get("/overview/?period=2025").content.decode()
    assert 'data-figure="intel.reports" data-value="4"' in html
    assert 'data-figure="intel.losses" data-value="3500' in html
    assert 'data-figure="intel.campaigns" data-value="1"' in html
    assert html.count("data-chart-spec=") == 5  # map, two trends, two rankings
    assert html.count('type="application/json"') == 5
    assert 'action="/overview/report.pdf"' in html
    assert 'href="/overview/countries/TL/?period=2025"' in html


def test_overview_query_count_is_bounded(world, user_of, signed_in, django_assert_max_num_queries):
    client = signed_in(user_of(Role.INTEL_ANALYST, "SG"))
    client.get("/overview/?period=2025")
    for i in range(20):
        campaign(f"2025-0{1 + i % 9}-1{i % 9}", "SG", "PH")
    with django_assert_max_num_queries(25):
        assert client.get("/overview/?period=2025").status_code == 200


def test_country_page_lists_partners(world, user_of, signed_in):
    client = signed_in(user_of(Role.VIEWER, "PH"))
    html = client.get("/overview/countries/th/?period=2025").content.decode()
    assert "<h1>Thailand</h1>" in html
    assert 'data-partner="MY"' in html and 'data-partner="SG"' in html
    assert client.get("/overview/countries/US/").status_code == 404


def test_bad_parameters_are_named(user_of, signed_in):
    client = signed_in(user_of(Role.VIEWER, "SG"))
    response = client.get("/overview/?period=2025-Q9")
    assert response.status_code == 400
    assert "period '2025-Q9': expected a year" in unescape(response.content.decode())
    response = client.get("/overview/charts/map.json?scope=ZZ")
    assert response.status_code == 400 and b"scope 'ZZ'" in response.content
    assert client.get("/overview/report.pdf?kind=novel").status_code == 400
    assert client.get("/overview/charts/pie.json").status_code == 404


def test_map_chart_carries_values_and_links(world, user_of, signed_in):
    client = signed_in(user_of(Role.VIEWER, None))
    spec = client.get("/overview/charts/map.json?period=2025&measure=intel.reports").json()
    layers = spec["layer"]
    lookup = layers[1]["transform"][0]["from"]["data"]["values"]
    assert {row["code"]: row["value"] for row in lookup if row["value"]} == {
        "MY": 1, "SG": 1, "TH": 1}
    assert layers[0]["data"]["url"].endswith("overview/asean.geojson")
    links = [(r["a"], r["b"]) for r in layers[2]["data"]["values"]]
    assert links == [("MY", "SG"), ("MY", "TH"), ("SG", "TH")]


def test_trend_chart_counts_per_month(world, user_of, signed_in):
    client = signed_in(user_of(Role.INTEL_ANALYST, "SG"))
    values = client.get("/overview/charts/trend.json?period=2025").json()["data"]["values"]
    assert [(v["month"], v["reports"]) for v in values if v["reports"]] == [
        ("2025-01-01", 1), ("2025-02-01", 3)]


def _published(request):
    return None


def test_open_data_page_lists_downloads_only_when_their_url_exists(client, settings):
    html = client.get("/overview/open-data/").content.decode()
    # merl is installed: its open data is listed, with a link to its own page.
    assert "fewer than 5" in html and 'href="/merl/open-data/">MERL indicator values' in html
    present = figures.Download("Indicator values", "tests_overview_published", "CSV",
                               "Every published indicator value.")
    absent = figures.Download("Scorecards", "merl:no_such_view", "CSV", "Not installed.")
    figures.register_download(present)
    figures.register_download(absent)
    try:
        from django.urls import clear_url_caches, include

        import jaring.urls
        settings.ROOT_URLCONF = type("Urls", (), {"urlpatterns": [
            *jaring.urls.urlpatterns,
            path("test/", include([path("x.csv", _published,
                                        name="tests_overview_published")])),
        ]})
        clear_url_caches()
        html = client.get("/overview/open-data/").content.decode()
    finally:
        figures.REGISTRY.downloads.remove(present)
        figures.REGISTRY.downloads.remove(absent)
        clear_url_caches()
    assert 'href="/test/x.csv">Indicator values' in html
    assert "Scorecards" not in html


def test_report_button_downloads_an_audited_pdf(world, user_of, signed_in):
    user = user_of(Role.VIEWER, "SG")
    client = signed_in(user)
    response = client.get("/overview/report.pdf?kind=security&period=2025-Q1&scope=SG")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="jaring-security-sg-2025-Q1.pdf"' in response["Content-Disposition"]
    event = AuditEvent.objects.filter(action="overview.report.produce").latest("seq")
    assert event.actor_id == user.pk
    assert event.detail["scope"] == "SG" and event.detail["period"] == "2025-Q1"


def test_people_counts_on_the_page_are_suppressed(world, user_of, signed_in):
    figure = figures.Figure("test.assisted", "People helped", "people", "test",
                            "overview.view", lambda ctx, scope: 3, counts_people=True)
    client = signed_in(user_of(Role.VIEWER, "SG"))
    with registered(figure):
        html = client.get("/overview/?period=2025").content.decode()
    assert 'data-figure="test.assisted" data-value=""' in html
    assert "fewer than 5" in html


def test_overview_pages_carry_no_inline_code(world, user_of, signed_in):
    from tests.core.htmlcheck import assert_no_inline_code, inspect

    client = signed_in(user_of(Role.INTEL_ANALYST, "SG"))
    for url in ("/overview/?period=2025", "/overview/countries/SG/?period=2025",
                "/overview/open-data/"):
        html = client.get(url).content
        assert_no_inline_code(html.decode())
        assert len(html) < 60_000, url  # the specifications travel without the map data
    # Only JSON data blocks are exempt, not scripts of any other type.
    assert inspect('<script type="text/javascript">alert(1)</script>').problems
    assert not inspect('<script type="application/json">{"a": 1}</script>').problems


def test_api_gives_the_figures_the_page_shows(world, user_of, signed_in):
    from jaring.identity import services

    user = user_of(Role.INTEL_ANALYST, "SG")
    client = signed_in(user)
    body = client.get("/api/v1/overview/figures?period=2025").json()
    shown = {f["key"]: f for f in body["figures"]}
    assert (shown["intel.reports"]["value"], shown["intel.reports"]["previous"]) == (4, 1)
    assert shown["intel.losses"]["value"] == 3500
    assert body["links"] == [["MY", "SG", 1], ["MY", "TH", 1], ["SG", "TH", 1]]
    assert body["previous_period"] == "2024"
    thai = client.get("/api/v1/overview/figures?period=2025&scope=th").json()
    assert thai["scope"] == "TH" and [tuple(x[:2]) for x in thai["links"]] == [
        ("MY", "TH"), ("SG", "TH")]
    bad = client.get("/api/v1/overview/figures?period=2025-Q7")
    assert bad.status_code == 400 and bad.json()["detail"][0]["loc"] == ["period"]
    assert client.get("/api/v1/overview/figures?scope=US").status_code == 400
    # A token needs the overview:read scope.
    client.logout()
    for scopes, status in ((["intel:read"], 403), (["overview:read"], 200)):
        issued = services.create_token(user, name=scopes[0], scopes=scopes)
        response = client.get("/api/v1/overview/figures",
                              HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
        assert response.status_code == status, scopes
