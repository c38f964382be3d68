"""The overview's headline figures as JSON (/api/v1/overview), for national dashboards."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router

from jaring.identity import policy
from jaring.overview import dashboard
from jaring.overview.figures import REGION
from jaring.overview.periods import current_year, parse_period
from jaring.overview.schemas import FiguresOut

router = Router(tags=["overview"])


def _number(value) -> float | None:
    return None if value is None else float(value)


@router.get("/figures", response=FiguresOut,
            summary="Headline figures for a period and scope, as the caller may see them")
def headline_figures(request: HttpRequest, period: str = "", scope: str = REGION):
    policy.check(request.user, "overview.view", request=request)
    countries = dashboard.member_states()
    try:
        chosen = parse_period(period) if period else current_year()
    except ValueError as exc:
        raise ValidationError({"period": [str(exc)]}) from None
    if scope.lower() == REGION:
        scope = REGION
    elif scope.upper() in countries:
        scope = scope.upper()
    else:
        raise ValidationError({"scope": [f"expected region or one of {', '.join(countries)}"]})
    board = dashboard.build(request.user, chosen, scope)
    links = board.links if scope == REGION else {
        pair: n for pair, n in board.links.items() if scope in pair}
    return {
        "period": chosen.code, "previous_period": chosen.previous().code, "scope": scope,
        "figures": [{
            "key": s.key, "label": s.figure.label, "unit": s.figure.unit,
            "part": s.figure.part, "dimension": s.figure.dimension,
            "value": _number(s.value),
            "previous": _number(s.previous),
            "suppressed": s.suppressed, "text": s.text, "change": s.change,
        } for s in board.headline],
        "links": [(a, b, n) for (a, b), n in sorted(links.items())],
        "notes": board.notes,
    }
