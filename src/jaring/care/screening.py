"""Trafficking screening on the ILO forced-labour indicators and the Palermo elements.

The Palermo Protocol (art. 3) defines trafficking as an **act** (recruitment,
transport, transfer, harbouring, receipt) by **means** (threat, force, coercion,
abduction, fraud, deception, abuse of power or of vulnerability, payments) for the
**purpose** of exploitation. For a child the means are not needed. The ILO's
eleven indicators of forced labour are the evidence a screener looks for.

The rule is deliberately cautious: a person whose answers make the elements
plausible is a *presumed* victim, so protection comes before proof.
"""

from __future__ import annotations

from dataclasses import dataclass

ILO_INDICATORS: dict[str, str] = {
    "abuse_of_vulnerability": "Abuse of vulnerability",
    "deception": "Deception",
    "restriction_of_movement": "Restriction of movement",
    "isolation": "Isolation",
    "physical_sexual_violence": "Physical and sexual violence",
    "intimidation_threats": "Intimidation and threats",
    "retention_of_documents": "Retention of identity documents",
    "withholding_of_wages": "Withholding of wages",
    "debt_bondage": "Debt bondage",
    "abusive_conditions": "Abusive working and living conditions",
    "excessive_overtime": "Excessive overtime",
}

PALERMO_ELEMENTS: dict[str, str] = {
    "act": "Act: recruited, transported, transferred, harboured or received",
    "means": "Means: threat, force, deception, abuse of power or vulnerability",
    "purpose": "Purpose: exploitation (forced labour or criminality, sexual exploitation…)",
}

# Indicators that alone point to coercion (the ILO's "strong" indicators), so they
# stand in for the means element when the screener has not ticked it.
STRONG = {"physical_sexual_violence", "intimidation_threats", "restriction_of_movement",
          "retention_of_documents", "debt_bondage"}

PRESUMED, FURTHER, NOT_VICTIM = "presumed_victim", "further_assessment", "not_victim"
SEVERITY = {NOT_VICTIM: 0, FURTHER: 1, PRESUMED: 2}


@dataclass(frozen=True)
class Outcome:
    result: str
    reasons: list[str]


def assess(indicators: dict[str, bool], elements: dict[str, bool], *, minor: bool) -> Outcome:
    unknown = (set(indicators) - set(ILO_INDICATORS)) | (set(elements) - set(PALERMO_ELEMENTS))
    if unknown:
        raise ValueError(f"unknown screening item(s): {', '.join(sorted(unknown))}")
    present = [k for k in ILO_INDICATORS if indicators.get(k)]
    strong = [k for k in present if k in STRONG]
    act, purpose = bool(elements.get("act")), bool(elements.get("purpose"))
    means = bool(elements.get("means")) or bool(strong) or "deception" in present
    reasons = [f"indicator: {ILO_INDICATORS[k]}" for k in present]
    reasons += [f"element: {k}" for k in PALERMO_ELEMENTS if elements.get(k)]
    if act and purpose and (means or minor):
        why = "act and purpose present" + (", person is a child (means not required)" if minor
                                           and not means else ", with means")
        return Outcome(PRESUMED, [why, *reasons])
    if present or act or purpose or elements.get("means"):
        missing = [k for k, ok in (("act", act), ("means", means or minor),
                                   ("purpose", purpose)) if not ok]
        return Outcome(FURTHER, [f"missing element(s): {', '.join(missing)}", *reasons])
    return Outcome(NOT_VICTIM, ["no indicator and no Palermo element present"])
