from __future__ import annotations

import pytest

from tests.factories import make_user

pytestmark = pytest.mark.django_db

BASE = "/api/v1/reference"


@pytest.fixture
def viewer_client(client):
    client.force_login(make_user("viewer", "SG"))
    return client


def test_countries(viewer_client):
    response = viewer_client.get(f"{BASE}/countries")
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()}
    assert len(rows) == 11
    assert rows["TL"] == {"code": "TL", "iso3": "TLS", "name": "Timor-Leste",
                          "calling_code": "670", "currency": "USD", "is_member_state": True}


def test_rates_all_and_filtered(viewer_client):
    everything = viewer_client.get(f"{BASE}/rates").json()
    assert len(everything) == 20 * 8
    thb = viewer_client.get(f"{BASE}/rates", {"currency": "thb"}).json()
    assert [row["year"] for row in thb] == list(range(2019, 2027))
    assert {row["currency"] for row in thb} == {"THB"}
    assert float(thb[3]["units_per_usd"]) == pytest.approx(35.061)
    assert thb[3]["source"].startswith("World Bank")


def test_scam_types(viewer_client):
    rows = viewer_client.get(f"{BASE}/scam-types").json()
    assert len(rows) == 12
    assert rows[0]["code"] == "investment"
    assert set(rows[0]) == {"code", "name", "description", "mitre_f3", "gsma"}


def test_channels(viewer_client):
    rows = viewer_client.get(f"{BASE}/channels").json()
    assert [row["code"] for row in rows][:3] == ["call", "sms", "whatsapp"]
    assert len(rows) == 13


def test_code_list(viewer_client):
    body = viewer_client.get(f"{BASE}/code-lists/age-group").json()
    assert body["code"] == "age-group"
    assert body["codes"][6] == {"code": "65+", "label": "65 and over", "lower": 65,
                                "upper": None}
    sex = viewer_client.get(f"{BASE}/code-lists/sex").json()
    assert [c["code"] for c in sex["codes"]] == ["F", "M", "_O", "_U"]


def test_unknown_code_list_is_404(viewer_client):
    assert viewer_client.get(f"{BASE}/code-lists/nope").status_code == 404


def test_anonymous_is_refused(client):
    assert client.get(f"{BASE}/countries").status_code == 401
