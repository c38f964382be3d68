"""Loading a results framework from a JSON file, such as the illustrative one shipped.

Loading is idempotent: codes identify plans, nodes, indicators and rules, so loading
the same file again updates in place and a changed file changes what it names,
without touching stored values.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from jaring.audit.services import record_event
from jaring.identity import policy
from jaring.merl.models import (
    Indicator,
    IndicatorDimension,
    Plan,
    ResultNode,
    TargetValue,
    ValidationRule,
)
from jaring.reference.models import Code, CodeList, Country, ScamType

ILLUSTRATIVE = Path(__file__).parent / "data" / "illustrative_framework.json"


def _code_list(spec: dict) -> None:
    code_list, _ = CodeList.objects.update_or_create(
        code=spec["code"], defaults={"name": spec["name"],
                                     "description": spec.get("description", "")})
    if spec.get("from") == "scam_types":
        items = [(s.code, s.name) for s in ScamType.objects.all()]
    elif spec.get("from") == "member_states":
        items = [(c.code, c.name) for c in Country.objects.filter(is_member_state=True)]
    else:
        items = [(c["code"], c["label"]) for c in spec.get("codes", [])]
    for order, (code, label) in enumerate(items):
        Code.objects.update_or_create(code_list=code_list, code=code,
                                      defaults={"label": label, "sort_order": order})


def _indicator_fields(spec: dict, nodes: dict[str, ResultNode]) -> dict[str, Any]:
    fields = {k: spec[k] for k in ("name", "definition", "unit", "direction", "aggregation",
                                   "frequency", "source") if k in spec}
    fields["node"] = nodes[spec["node"]]
    fields["computed_key"] = spec.get("computed_key", "")
    fields["counts_people"] = bool(spec.get("counts_people", False))
    fields["factor"] = Decimal(spec.get("factor", "1"))
    return fields


@transaction.atomic
def load_framework(path: Path = ILLUSTRATIVE, *, user: Any = None) -> Plan:
    """Load or refresh a framework file; ``user`` None means the CLI or the demo."""
    if user is not None:
        policy.check(user, "merl.framework.manage")
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        spec = data["plan"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ValidationError({"framework": f"{path}: not a framework file ({exc})"}) from None
    for code_list in data.get("code_lists", []):
        _code_list(code_list)
    plan, _ = Plan.objects.update_or_create(code=spec["code"], defaults={
        "name": spec["name"], "description": spec.get("description", ""),
        "start_year": spec["start_year"], "end_year": spec["end_year"],
        "illustrative": "ILLUSTRATIVE" in spec["name"].upper()})
    nodes: dict[str, ResultNode] = {}
    for order, node in enumerate(data.get("nodes", [])):
        nodes[node["code"]], _ = ResultNode.objects.update_or_create(
            plan=plan, code=node["code"], defaults={
                "level": node["level"], "title": node["title"], "sort_order": order,
                "description": node.get("description", ""),
                "parent": nodes[node["parent"]] if node.get("parent") else None})
    indicators: dict[str, Indicator] = {}
    specs = data.get("indicators", [])
    # Formula terms may name indicators further down the file: two passes.
    for order, item in enumerate(specs):
        fields = _indicator_fields(item, nodes) | {"sort_order": order}
        if item.get("source") == "formula":
            fields["source"] = "reported"  # made a formula once its terms exist
        indicators[item["code"]], _ = Indicator.objects.update_or_create(
            code=item["code"], defaults=fields)
    for item in specs:
        indicator = indicators[item["code"]]
        if item.get("source") == "formula":
            indicator.numerator = indicators[item["numerator"]]
            indicator.denominator = indicators[item["denominator"]]
            indicator.source = Indicator.Source.FORMULA
        if item.get("weight"):
            indicator.weight = indicators[item["weight"]]
        indicator.save()
        for code_list in item.get("dimensions", []):
            IndicatorDimension.objects.get_or_create(indicator=indicator, code_list_id=code_list)
    for rule in data.get("rules", []):
        ValidationRule.objects.update_or_create(code=rule["code"], defaults={
            "description": rule["description"], "left": indicators[rule["left"]],
            "operator": rule["operator"], "right": indicators[rule["right"]],
            "factor": Decimal(rule.get("factor", "1"))})
    for target in data.get("targets", []):
        TargetValue.objects.update_or_create(
            indicator=indicators[target["indicator"]], country_id=target.get("country"),
            year=target["year"], kind=target["kind"],
            defaults={"value": Decimal(target["value"])})
    record_event("merl.framework.load", actor=user, target=plan,
                 detail={"indicators": len(indicators), "nodes": len(nodes)})
    return plan
