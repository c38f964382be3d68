from __future__ import annotations

import pytest
from django.urls import reverse

from jaring.audit.models import AuditEvent
from jaring.reference.models import Code, ExchangeRate, ScamType
from tests.factories import make_user

pytestmark = pytest.mark.django_db

MODELS = ["currency", "country", "exchangerate", "scamtype", "contactchannel", "codelist", "code"]


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("administrator", "SG"))
    return client


@pytest.mark.parametrize("model", MODELS)
def test_every_reference_model_has_a_working_changelist(admin_client, model):
    url = reverse(f"admin:reference_{model}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "a"}).status_code == 200


def test_change_form_of_a_code_list_shows_its_codes(admin_client):
    response = admin_client.get(reverse("admin:reference_codelist_change", args=["age-group"]))
    assert response.status_code == 200
    assert b"65 and over" in response.content


def test_editing_a_rate_in_the_admin_is_audited(admin_client):
    rate = ExchangeRate.objects.get(currency_id="THB", year=2024)
    response = admin_client.post(
        reverse("admin:reference_exchangerate_change", args=[rate.pk]),
        {"currency": "THB", "year": 2024, "units_per_usd": "35.300000",
         "source": rate.source},
    )
    assert response.status_code == 302, response.content[:800]
    rate.refresh_from_db()
    assert str(rate.units_per_usd) == "35.300000"
    event = AuditEvent.objects.filter(action="reference.exchangerate.change").get()
    assert event.object_id == str(rate.pk)
    assert event.detail == {"fields": ["units_per_usd"]}


def test_deleting_in_the_admin_is_audited(admin_client):
    response = admin_client.post(
        reverse("admin:reference_scamtype_delete", args=["other"]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not ScamType.objects.filter(pk="other").exists()
    assert AuditEvent.objects.filter(action="reference.scamtype.delete",
                                     object_id="other").exists()


def test_adding_a_code_inline_is_audited(admin_client):
    codes = list(Code.objects.filter(code_list_id="sex"))
    data = {
        "code": "sex", "name": "Sex", "description": "d", "is_system": "on",
        "codes-TOTAL_FORMS": str(len(codes) + 1), "codes-INITIAL_FORMS": str(len(codes)),
        "codes-MIN_NUM_FORMS": "0", "codes-MAX_NUM_FORMS": "1000",
    }
    for i, code in enumerate(codes):
        data.update({f"codes-{i}-id": code.pk, f"codes-{i}-code_list": "sex",
                     f"codes-{i}-code": code.code, f"codes-{i}-label": code.label,
                     f"codes-{i}-sort_order": code.sort_order})
    n = len(codes)
    data.update({f"codes-{n}-code_list": "sex", f"codes-{n}-code": "_Z",
                 f"codes-{n}-label": "Not applicable", f"codes-{n}-sort_order": "50"})
    response = admin_client.post(reverse("admin:reference_codelist_change", args=["sex"]), data)
    assert response.status_code == 302, response.content[:1500]
    assert Code.objects.filter(code_list_id="sex", code="_Z").exists()
    event = AuditEvent.objects.filter(action="reference.code.change").get()
    assert event.detail == {"codes": ["_Z"], "deleted": []}


def test_a_viewer_cannot_open_the_admin(client):
    client.force_login(make_user("viewer", "SG"))
    response = client.get(reverse("admin:reference_currency_changelist"))
    assert response.status_code == 302
