import pytest

from jaring.intel import linking
from jaring.intel.ingest import indicator_token
from jaring.intel.models import Campaign, CampaignMember, FraudReport, Indicator
from tests.intel.factories import submit

pytestmark = pytest.mark.django_db

MULE = ("bank_account", "Maybank 1234 5678 9012")
THAI_PHONE = ("phone", "+66 81 234 5678")
WALLET = ("crypto_wallet", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")


def partition() -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for pk, campaign in CampaignMember.objects.values_list("report_id",
                                                           "campaign__anchor_report_id"):
        groups.setdefault(campaign, set()).add(pk)
    return {frozenset(g) for g in groups.values()}


def test_two_reports_sharing_an_indicator_form_a_campaign():
    a = submit("SG", MULE)
    b = submit("MY", ("bank_account", "MBBEMYKL:123456789012"))
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.campaign_id is not None and a.campaign_id == b.campaign_id
    campaign = a.campaign
    assert campaign.anchor_report_id == a.pk
    assert campaign.report_count == 2
    assert campaign.country_list == ["MY", "SG"]


def test_lone_report_has_no_campaign():
    assert submit("TH", THAI_PHONE).campaign_id is None


def test_chains_merge_into_the_lowest_anchor():
    a = submit("SG", MULE)
    b = submit("TH", THAI_PHONE)
    c = submit("PH", WALLET)
    d = submit("MY", MULE, THAI_PHONE)  # bridges a and b
    e = submit("VN", WALLET, THAI_PHONE)  # bridges c into the rest
    ids = {a.pk, b.pk, c.pk, d.pk, e.pk}
    assert partition() == {frozenset(ids)}
    live = Campaign.objects.get(status=Campaign.Status.ACTIVE)
    assert live.anchor_report_id == a.pk
    merged = Campaign.objects.filter(status=Campaign.Status.MERGED)
    assert all(m.merged_into_id == live.pk for m in merged)


def test_rebuild_gives_the_same_campaigns():
    submit("SG", MULE)
    submit("TH", THAI_PHONE)
    submit("MY", MULE, THAI_PHONE)
    submit("PH", WALLET)
    submit("VN", WALLET)
    before = partition()
    anchors = set(Campaign.objects.filter(status="active").values_list("anchor_report_id",
                                                                       flat=True))
    CampaignMember.objects.all().delete()
    Campaign.objects.all().delete()
    linking.rebuild()
    assert partition() == before
    assert set(Campaign.objects.filter(status="active").values_list(
        "anchor_report_id", flat=True)) == anchors


def test_warninglisted_value_never_links(django_user_model):
    from jaring.intel import services
    from tests.factories import make_user

    admin = make_user("administrator", "SG")
    services.add_to_warninglist(admin, "url", "https://www.facebook.com/", "platform home")
    a = submit("SG", ("url", "https://www.facebook.com"))
    b = submit("MY", ("url", "https://WWW.FACEBOOK.COM/#x"))
    assert a.campaign_id is None and b.campaign_id is None
    assert Indicator.objects.get().status == Indicator.Status.WARNINGLISTED


def test_fan_out_cap_flags_instead_of_linking(settings):
    settings.INTEL_FANOUT_CAP = 3
    reports = [submit("SG", ("phone", "+65 6123 4567")) for _ in range(4)]
    indicator = Indicator.objects.get()
    assert indicator.status == Indicator.Status.FLAGGED
    assert indicator.report_count == 4
    assert all(FraudReport.objects.get(pk=r.pk).campaign_id is None for r in reports)
    assert not Campaign.objects.filter(status="active").exists()


def test_a_value_off_the_warninglist_and_over_the_cap_is_flagged_not_linked(settings):
    # Taken off the warninglist, the value is recounted whole (not added to), and the
    # recount flags it.
    from jaring.intel import services
    from jaring.intel.models import WarninglistEntry
    from tests.factories import make_user

    settings.INTEL_FANOUT_CAP = 2
    admin = make_user("administrator", "SG")
    services.add_to_warninglist(admin, "phone", "+65 6123 4567", "bank hotline")
    reports = [submit("SG", ("phone", "+65 6123 4567")) for _ in range(3)]
    services.remove_from_warninglist(admin, WarninglistEntry.objects.get())
    indicator = Indicator.objects.get()
    assert (indicator.status, indicator.report_count) == (Indicator.Status.FLAGGED, 3)
    assert all(FraudReport.objects.get(pk=r.pk).campaign_id is None for r in reports)


def test_marking_a_link_wrong_splits_the_campaign():
    from jaring.intel import services
    from jaring.intel.models import Sighting
    from tests.factories import make_user

    a = submit("SG", MULE)
    b = submit("MY", MULE, THAI_PHONE)
    c = submit("TH", THAI_PHONE)
    assert partition() == {frozenset({a.pk, b.pk, c.pk})}
    analyst = make_user("intel_analyst", "MY")
    wrong = Sighting.objects.get(report=b, indicator__kind="phone")
    services.mark_link_wrong(analyst, wrong, "the number was the victim's own")
    assert partition() == {frozenset({a.pk, b.pk})}
    assert FraudReport.objects.get(pk=c.pk).campaign_id is None
    # A rebuild respects the analyst's decision.
    linking.rebuild()
    assert partition() == {frozenset({a.pk, b.pk})}
    services.restore_link(analyst, wrong)
    assert partition() == {frozenset({a.pk, b.pk, c.pk})}


def test_resubmitting_a_reference_updates_and_can_split():
    from jaring.intel.ingest import ingest
    from jaring.intel.validation import Vocabulary, parse_report
    from tests.intel.factories import centre, raw_report

    a = submit("SG", MULE)
    b = submit("MY", MULE, THAI_PHONE)
    c = submit("TH", THAI_PHONE)
    assert len(partition()) == 1
    org = centre("MY")
    raw = raw_report(reference=b.reference, indicators=[{"kind": "bank_account",
                                                         "value": MULE[1]}])
    item, errors = parse_report(raw, vocabulary=Vocabulary(), organisation_id=org.pk,
                                country="MY")
    assert not errors
    result = ingest([item])
    assert result.updated == [b.pk] and result.created == []
    assert FraudReport.objects.filter(organisation=org).count() == 1
    assert partition() == {frozenset({a.pk, b.pk})}
    assert FraudReport.objects.get(pk=c.pk).campaign_id is None


def test_a_resubmitted_report_keeps_its_campaign_membership_in_step():
    import datetime

    from jaring.intel.ingest import ingest
    from jaring.intel.linking import members_out_of_step
    from jaring.intel.validation import Vocabulary, parse_report
    from tests.intel.factories import centre, raw_report

    a = submit("SG", MULE)
    b = submit("MY", MULE)
    earlier = datetime.date.today() - datetime.timedelta(days=40)
    raw = raw_report(reference=b.reference, reported_on=earlier.isoformat(),
                     scam_type="romance", indicators=[{"kind": "bank_account",
                                                       "value": MULE[1]}])
    item, errors = parse_report(raw, vocabulary=Vocabulary(), organisation_id=centre("MY").pk,
                                country="MY")
    assert item is not None and not errors
    ingest([item])
    assert partition() == {frozenset({a.pk, b.pk})}
    member = CampaignMember.objects.get(report_id=b.pk)
    assert (member.reported_on, member.scam_type_id) == (earlier, "romance")
    assert members_out_of_step() == []
    # The check itself: a copy changed behind ingest's back is found.
    CampaignMember.objects.filter(report_id=a.pk).update(scam_type_id="romance")
    assert members_out_of_step() == [a.pk]
    CampaignMember.objects.filter(report_id=a.pk).update(scam_type_id="investment")


def test_restricted_reports_still_match_without_storing_the_value():
    a = submit("SG", WALLET, tlp="red")
    indicator = Indicator.objects.get()
    assert indicator.value == ""  # only the keyed token and an encrypted sighting
    # 16 bytes of a keyed hash, which the value alone cannot produce.
    assert bytes(indicator.token) == indicator_token(
        "crypto_wallet", "crypto:tron:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")
    assert len(indicator.token) == 16
    b = submit("TH", WALLET, tlp="green")
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.campaign_id == b.campaign_id is not None
    indicator.refresh_from_db()
    assert indicator.value == "crypto:tron:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"


@pytest.mark.parametrize(("first", "last", "shown"), [
    ("green", "red", False), ("red", "green", True), ("amber", "clear", True)])
def test_a_new_value_is_shown_as_the_last_copy_of_its_report_allows(first, last, shown):
    from jaring.intel.ingest import ingest
    from jaring.intel.validation import Vocabulary, parse_report
    from tests.intel.factories import centre, raw_report

    org = centre("SG")
    copies = [raw_report(reference="SG-TWICE", tlp=tlp,
                         indicators=[{"kind": WALLET[0], "value": WALLET[1]}])
              for tlp in (first, last)]
    # Both copies in one batch: the indicator is created there, by the last copy's rules.
    ingest([parse_report(raw, vocabulary=Vocabulary(), organisation_id=org.pk,
                         country="SG")[0] for raw in copies])
    indicator = Indicator.objects.get()
    assert indicator.value == ("crypto:tron:" + WALLET[1] if shown else "")


@pytest.mark.parametrize("levels", [("red", "green"), ("green", "red"), ("red", "red")])
def test_a_new_value_is_shown_when_any_report_of_its_batch_shares_it_region_wide(levels):
    """Two reports of one batch, new to the platform, name the same value: one report
    allowed to share it region-wide is enough, whichever comes first."""
    from jaring.intel.ingest import ingest
    from jaring.intel.validation import Vocabulary, parse_report
    from tests.intel.factories import centre, raw_report

    org = centre("SG")
    ingest([parse_report(raw_report(tlp=tlp, indicators=[{"kind": WALLET[0],
                                                          "value": WALLET[1]}]),
                         vocabulary=Vocabulary(), organisation_id=org.pk, country="SG")[0]
            for tlp in levels])
    indicator = Indicator.objects.get()
    assert indicator.report_count == 2
    assert indicator.value == ("" if levels == ("red", "red") else "crypto:tron:" + WALLET[1])


def test_a_reference_sent_twice_in_one_batch_is_stored_as_its_last_copy():
    from jaring.intel.ingest import ingest
    from jaring.intel.validation import Vocabulary, parse_report
    from tests.intel.factories import centre, raw_report

    org = centre("SG")
    copies = [raw_report(reference="SG-TWICE", loss_amount=amount,
                         indicators=[{"kind": "phone", "value": phone}])
              for amount, phone in (("100", "+65 9000 0001"), ("250", "+65 9000 0002"))]
    result = ingest([parse_report(raw, vocabulary=Vocabulary(), organisation_id=org.pk,
                                  country="SG")[0] for raw in copies])
    report = FraudReport.objects.get()
    assert result.created == [report.pk] and result.updated == []
    assert str(report.loss_amount) == "250.00"
    # The first copy's number is nowhere: no sighting, and no indicator either.
    assert list(Indicator.objects.values_list("value", "report_count")) == [("+6590000002", 1)]
    assert list(report.sightings.values_list("indicator__value", flat=True)) == ["+6590000002"]


def test_counts_kept_incrementally_equal_a_recount():
    import datetime

    from jaring.intel.counts import refresh_indicators
    from jaring.intel.ingest import ingest
    from jaring.intel.synthetic import COUNTRY_WEIGHTS, Generator
    from jaring.intel.validation import Vocabulary, parse_report
    from tests.intel.factories import centre

    orgs = {c: centre(c) for c in COUNTRY_WEIGHTS}
    start = datetime.date.today() - datetime.timedelta(days=90)
    items = []
    for record in Generator(seed=21, reports=400, start=start, days=80):
        org = orgs[record["country"]]
        item, _ = parse_report(record, vocabulary=Vocabulary(), organisation_id=org.pk,
                               country=org.country_id)
        items.append(item)
    # The same reference twice in one batch: the last copy wins, indicators included.
    twice = items[5]
    items.append(parse_report({**items[5].__dict__, "indicators": [
        {"kind": "phone", "value": "+65 9000 0001"}], "reported_on": str(twice.reported_on),
        "incident_on": None, "loss_amount": None}, vocabulary=Vocabulary(),
        organisation_id=twice.organisation_id, country=twice.country)[0])
    for start_at in range(0, len(items), 150):
        ingest(items[start_at:start_at + 150])
    kept = dict(Indicator.objects.values_list("pk", "report_count"))
    dates = dict(Indicator.objects.values_list("pk", "first_seen"))
    refresh_indicators(set(kept))
    assert dict(Indicator.objects.values_list("pk", "report_count")) == kept
    assert dict(Indicator.objects.values_list("pk", "first_seen")) == dates
    report = FraudReport.objects.get(reference=twice.reference)
    from jaring.crypto.cipher import decrypt

    assert [decrypt(report.country_id, s.value_enc) for s in report.sightings.all()] == [
        "+6590000001"]


def test_campaign_figures_added_up_equal_a_recount():
    import datetime

    from jaring.intel import services
    from jaring.intel.ingest import ingest
    from jaring.intel.models import Sighting
    from jaring.intel.synthetic import COUNTRY_WEIGHTS, Generator
    from jaring.intel.validation import Vocabulary, parse_report
    from tests.factories import make_user
    from tests.intel.factories import centre

    orgs = {c: centre(c) for c in COUNTRY_WEIGHTS}
    start = datetime.date.today() - datetime.timedelta(days=90)
    items = []
    for record in Generator(seed=8, reports=600, start=start, days=80):
        org = orgs[record["country"]]
        items.append(parse_report(record, vocabulary=Vocabulary(), organisation_id=org.pk,
                                  country=org.country_id)[0])
    for at in range(0, 400, 100):
        ingest(items[at:at + 100])
    # Some reports sent again with another loss, some links marked wrong, then more.
    for item in items[10:30]:
        item.loss_amount = (item.loss_amount or 0) + 100
    ingest(items[10:30])
    analyst = make_user("intel_analyst", "SG")
    for sighting in Sighting.objects.filter(report__membership__isnull=False)[:5]:
        services.mark_link_wrong(analyst, sighting, "review")
    ingest(items[400:])

    def figures():
        return sorted(Campaign.objects.filter(status="active").values_list(
            "pk", "report_count", "total_loss_usd", "first_seen", "last_seen", "countries"))

    kept = figures()
    linking.refresh_stats(Campaign.objects.values_list("pk", flat=True))
    assert figures() == kept
    assert sum(row[1] for row in kept) == CampaignMember.objects.count()
