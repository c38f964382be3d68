from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from jaring.identity import policy
from jaring.reference.models import CodeList, ContactChannel, Country, ExchangeRate, ScamType
from jaring.reference.schemas import (
    ChannelOut,
    CodeListOut,
    CodeOut,
    CountryOut,
    RateOut,
    ScamTypeOut,
)

router = Router(tags=["reference"])


@router.get("/countries", response=list[CountryOut], summary="ASEAN member states")
def countries(request: HttpRequest) -> list[CountryOut]:
    policy.check(request.user, "reference.view", request=request)
    return [
        CountryOut(code=c.code, iso3=c.iso3, name=c.name, calling_code=c.calling_code,
                   currency=c.currency_id, is_member_state=c.is_member_state)
        for c in Country.objects.all()
    ]


@router.get("/rates", response=list[RateOut], summary="Reference exchange rates to USD by year")
def rates(request: HttpRequest, currency: str | None = None) -> list[RateOut]:
    policy.check(request.user, "reference.view", request=request)
    rows = ExchangeRate.objects.all()
    if currency:
        rows = rows.filter(currency_id=currency.upper())
    return [RateOut(currency=r.currency_id, year=r.year, units_per_usd=r.units_per_usd,
                    source=r.source) for r in rows]


@router.get("/scam-types", response=list[ScamTypeOut], summary="The scam-type taxonomy")
def scam_types(request: HttpRequest) -> list[ScamTypeOut]:
    policy.check(request.user, "reference.view", request=request)
    return [ScamTypeOut(code=s.code, name=s.name, description=s.description,
                        mitre_f3=s.mitre_f3, gsma=s.gsma) for s in ScamType.objects.all()]


@router.get("/channels", response=list[ChannelOut], summary="Contact channels")
def channels(request: HttpRequest) -> list[ChannelOut]:
    policy.check(request.user, "reference.view", request=request)
    return [ChannelOut(code=c.code, name=c.name, kind=c.kind)
            for c in ContactChannel.objects.all()]


@router.get("/code-lists/{code}", response=CodeListOut, summary="One code list and its codes")
def code_list(request: HttpRequest, code: str) -> CodeListOut:
    policy.check(request.user, "reference.view", request=request)
    found = get_object_or_404(CodeList, pk=code)
    return CodeListOut(code=found.code, name=found.name, codes=[
        CodeOut(code=c.code, label=c.label, lower=c.lower, upper=c.upper)
        for c in found.codes.all()
    ])
