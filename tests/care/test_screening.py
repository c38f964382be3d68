"""The screening rule, including properties that must hold for every answer set."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaring.care import screening

indicator_sets = st.dictionaries(st.sampled_from(list(screening.ILO_INDICATORS)), st.booleans())
element_sets = st.dictionaries(st.sampled_from(list(screening.PALERMO_ELEMENTS)), st.booleans())


@given(indicator_sets, element_sets, st.booleans(),
       st.sampled_from(list(screening.ILO_INDICATORS) + list(screening.PALERMO_ELEMENTS)))
def test_more_evidence_never_lowers_the_result(indicators, elements, minor, extra):
    before = screening.assess(indicators, elements, minor=minor).result
    if extra in screening.ILO_INDICATORS:
        indicators = {**indicators, extra: True}
    else:
        elements = {**elements, extra: True}
    after = screening.assess(indicators, elements, minor=minor).result
    assert screening.SEVERITY[after] >= screening.SEVERITY[before]


@given(indicator_sets, element_sets)
def test_a_child_is_never_screened_lower_than_an_adult(indicators, elements):
    adult = screening.assess(indicators, elements, minor=False).result
    child = screening.assess(indicators, elements, minor=True).result
    assert screening.SEVERITY[child] >= screening.SEVERITY[adult]


def test_results_and_reasons():
    presumed = screening.assess({"retention_of_documents": True},
                                {"act": True, "purpose": True}, minor=False)
    assert presumed.result == screening.PRESUMED
    assert "indicator: Retention of identity documents" in presumed.reasons
    further = screening.assess({"excessive_overtime": True}, {}, minor=False)
    assert further.result == screening.FURTHER and "missing" in further.reasons[0]
    child = screening.assess({}, {"act": True, "purpose": True}, minor=True)
    assert child.result == screening.PRESUMED and "child" in child.reasons[0]
    assert screening.assess({}, {}, minor=False).result == screening.NOT_VICTIM


def test_unknown_items_are_named():
    with pytest.raises(ValueError, match="telepathy"):
        screening.assess({"telepathy": True}, {}, minor=False)
