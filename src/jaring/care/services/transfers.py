"""Cross-border transfer: the sender packages what the person consented to, the receiver
accepts (a new case in its country, owned by the one who accepted) or declines."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jaring.audit.services import record_event
from jaring.care import package
from jaring.care.identification import refresh_identified_on
from jaring.care.models import (
    Case,
    CaseEvent,
    CaseState,
    ConsentPurpose,
    Person,
    Screening,
    Transfer,
)
from jaring.care.personal import CONSENTABLE_FIELDS, PersonalData, unseal
from jaring.care.services.base import guard, log, touch
from jaring.care.services.cases import next_reference, store_person
from jaring.care.services.consent import active_consent, precheck_override, require_consent
from jaring.crypto.cipher import decrypt, encrypt
from jaring.identity import policy
from jaring.identity.models import Organisation

SCREENING_FIELD = "screening"


def package_id(case: Case) -> str:
    """Unique across deployments (the signer's public key is mixed in) yet repeatable, so
    the same demo seed builds the same database."""
    signer = ",".join(sorted(k.hex() for k in package.trusted_public_keys().values()))
    sent = Transfer.objects.filter(case=case).count()
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"jaring:{signer}:{case.reference}:{sent + 1}"))


def build_document(case: Case, to: Organisation, fields: list[str]) -> dict[str, Any]:
    person = case.person
    data = unseal(case.country_id, person.data_enc).only(fields)
    document: dict[str, Any] = {
        "package_id": package_id(case),
        "created": timezone.now().isoformat(timespec="seconds"),
        "from": {"country": case.country_id, "organisation": case.organisation.short_name,
                 "case_reference": case.reference},
        "to": {"country": to.country_id, "organisation": to.short_name},
        "consented_fields": sorted(fields),
        "case": {"case_type": case.case_type, "risk_level": case.risk_level,
                 "non_punishment": case.non_punishment,
                 "registered_on": case.registered_on.isoformat()},
        "person": {**{k: v for k, v in data.to_dict().items() if v not in ("", [], None)},
                   "sex": person.sex, "nationality": person.nationality_id or "",
                   "age_group": person.age_group, "is_minor": person.is_minor},
        "history": [{"at": e.at.isoformat(timespec="seconds"), "actor": e.actor_label,
                     "action": e.action, "detail": e.detail, "origin": e.origin_country}
                    for e in case.events.order_by("at", "id")],
    }
    if SCREENING_FIELD in fields:
        document["screenings"] = [
            {"result": s.result, "reasons": s.reasons, "indicators": s.indicators,
             "elements": s.elements, "screened_on": s.screened_on.isoformat()}
            for s in case.screenings.all()]
    return document


def send_transfer(user: Any, case: Case, *, to_organisation: Organisation,
                  override_reason: str = "", override_fields: list[str] | None = None
                  ) -> Transfer:
    precheck_override(user, case, ConsentPurpose.TRANSFER, override_reason)
    return _send_transfer(user, case, to_organisation=to_organisation,
                          override_reason=override_reason, override_fields=override_fields)


@transaction.atomic
def _send_transfer(user: Any, case: Case, *, to_organisation: Organisation,
                  override_reason: str = "", override_fields: list[str] | None = None
                  ) -> Transfer:
    case = guard(user, "care.transfer.send", case)
    if not case.is_open:
        raise ValidationError({"case": f"case {case.reference} is not open"})
    if to_organisation.country_id in (None, case.country_id) or not to_organisation.is_active:
        raise ValidationError({"to_organisation": "choose an active organisation in another "
                               "member state"})
    if Transfer.objects.filter(case=case, state=Transfer.State.SENT).exists():
        raise ValidationError({"case": "a transfer of this case is already waiting for an answer"})
    basis = require_consent(user, case, ConsentPurpose.TRANSFER, override_reason=override_reason)
    consent = active_consent(case, ConsentPurpose.TRANSFER)
    fields = list(consent.fields) if consent is not None else list(override_fields or [])
    unknown = sorted(set(fields) - set(CONSENTABLE_FIELDS))
    if unknown:
        raise ValidationError({"fields": f"unknown field(s): {', '.join(unknown)}"})
    document = package.sign(build_document(case, to_organisation, fields))
    transfer = Transfer.objects.create(
        package_id=document["package_id"], case=case, from_country_id=case.country_id,
        to_country_id=to_organisation.country_id, to_organisation=to_organisation,
        package_enc=encrypt(to_organisation.country_id, package.dumps(document)) or "",
        sent_by=user)
    log(case, user, "transfer.send", {"transfer": transfer.pk, "to": to_organisation.country_id,
                                      "fields": sorted(fields), "basis": basis})
    return transfer


def read_package(transfer: Transfer) -> dict[str, Any]:
    """The stored package, verified; raises PackageRefused when it was tampered with."""
    try:
        raw = decrypt(transfer.to_country_id, transfer.package_enc) or ""
        document = json.loads(raw)
    except ValueError as exc:
        raise package.PackageRefused(f"the package cannot be read: {exc}") from None
    return package.verify(document)


def _receive(user: Any, transfer: Transfer, document: dict[str, Any]) -> Case:
    organisation = transfer.to_organisation
    info = document["case"]
    raw_person = document["person"]
    country = transfer.to_country_id
    case = Case.objects.create(
        reference=next_reference(country), country_id=country,
        organisation=organisation, owner=user, case_type=info["case_type"],
        risk_level=info["risk_level"], non_punishment=bool(info.get("non_punishment")),
        registered_on=timezone.localdate(),
    )
    person = Person(case=case, sex=raw_person.get("sex", ""),
                    nationality_id=raw_person.get("nationality") or None,
                    age_group=raw_person.get("age_group", ""),
                    is_minor=bool(raw_person.get("is_minor")))
    store_person(person, PersonalData.from_dict(raw_person))
    screenings = document.get("screenings", [])
    for s in screenings:
        Screening.objects.create(case=case, indicators=s["indicators"], elements=s["elements"],
                                 result=s["result"], reasons=s["reasons"],
                                 screened_on=s["screened_on"], screened_by=user)
    if screenings:
        refresh_identified_on([case.pk])
        case.refresh_from_db(fields=["identified_on"])
        case.state = CaseState.SCREENED
        case.save(update_fields=["state"])
    origin = document["from"]["country"]
    CaseEvent.objects.bulk_create([
        CaseEvent(case=case, at=e["at"], actor_label=e["actor"], action=e["action"],
                  detail=e["detail"], origin_country=e.get("origin") or origin)
        for e in document["history"]])
    return case


def answer_transfer(user: Any, transfer: Transfer, *, accept: bool, reason: str = "") -> Transfer:
    """Accept or decline. The permission check and a refused package's audit event
    happen outside the transaction, so that a refusal is never rolled back."""
    policy.check(user, "care.transfer.receive", transfer, conceal=True)
    if accept and transfer.state == Transfer.State.SENT:
        try:
            read_package(transfer)
        except package.PackageRefused as exc:
            record_event("care.transfer.refused", actor=user, target=transfer,
                         detail={"reason": str(exc)})
            raise ValidationError({"package": f"refused: {exc}"}) from None
    return _answer_transfer(user, transfer, accept=accept, reason=reason)


@transaction.atomic
def _answer_transfer(user: Any, transfer: Transfer, *, accept: bool, reason: str) -> Transfer:
    transfer = Transfer.objects.select_for_update().select_related(
        "case", "to_organisation").get(pk=transfer.pk)
    if transfer.state != Transfer.State.SENT:
        raise ValidationError({"transfer": f"this transfer was already {transfer.state}"})
    sending = Case.objects.select_for_update().get(pk=transfer.case_id)
    if accept:
        try:
            document = read_package(transfer)
        except package.PackageRefused as exc:  # changed since the check above
            raise ValidationError({"package": f"refused: {exc}"}) from None
        received = _receive(user, transfer, document)
        transfer.received_case = received
        transfer.state = Transfer.State.ACCEPTED
        sending.state = CaseState.TRANSFERRED
        touch(sending, "state")
        # The case is the receiving side's now; the sender keeps a read-only summary.
        kept = sending.person
        store_person(kept, unseal(sending.country_id, kept.data_enc).summary())
        log(received, user, "transfer.accept", {"transfer": transfer.pk,
                                                "from": transfer.from_country_id})
    else:
        if not reason.strip():
            raise ValidationError({"reason": "say why the transfer is declined"})
        transfer.state = Transfer.State.DECLINED
        transfer.decline_reason = reason.strip()[:300]
    transfer.answered_by = user
    transfer.answered_at = timezone.now()
    transfer.save()
    log(sending, user, f"transfer.{transfer.state}", {"transfer": transfer.pk})
    return transfer
