"""Events about targets that name something other than a country code."""

import pytest

from jaring.audit.models import AuditEvent
from jaring.audit.services import record_event
from jaring.merl.services import country_scope

pytestmark = pytest.mark.django_db


def test_a_country_taken_from_a_url_is_recorded_only_when_it_is_a_code():
    record_event("access.denied", target=country_scope("MERL_VALUE_UNIQUE"))
    record_event("access.denied", target=country_scope("TH"))
    assert list(AuditEvent.objects.order_by("seq").values_list("country", flat=True))[-2:] == [
        "", "TH"]
