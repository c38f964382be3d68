import csv
import io
from xml.etree import ElementTree

from jaring.core.disclosure import Policy
from jaring.merl import sdmx
from jaring.merl.periods import Period
from jaring.merl.publication import public_values
from tests.merl.factories import enter, officer, publish


def _publish_victims():
    publish("SG", "2025-Q1", ("VA.IDENTIFIED", "SG", "2025-Q1", "3"),
            ("VA.IDENTIFIED", "SG", "2025-Q1", "2", "sex=F"),
            ("VA.IDENTIFIED", "SG", "2025-Q1", "1", "sex=M"),
            ("VA.REFERRED", "SG", "2025-Q1", "3"))
    publish("TH", "2025-Q1", ("VA.IDENTIFIED", "TH", "2025-Q1", "40"),
            ("VA.IDENTIFIED", "TH", "2025-Q1", "22", "sex=F"),
            ("VA.IDENTIFIED", "TH", "2025-Q1", "18", "sex=M"),
            ("VA.REFERRED", "TH", "2025-Q1", "30"))
    publish("MY", "2025-Q1", ("VA.IDENTIFIED", "MY", "2025-Q1", "25"),
            ("VA.IDENTIFIED", "MY", "2025-Q1", "10", "sex=F"),
            ("VA.IDENTIFIED", "MY", "2025-Q1", "15", "sex=M"),
            ("VA.REFERRED", "MY", "2025-Q1", "20"))


def _by_cell(values):
    return {(v.indicator, v.country, v.period, v.disaggregation): v for v in values}


def test_small_counts_are_withheld_with_their_partners(framework):
    _publish_victims()
    enter(officer("VN"), ("VA.IDENTIFIED", "VN", "2025-Q1", "77"))  # a draft: never public
    values = _by_cell(public_values(first=Period.parse("2025"), last=Period.parse("2025")))
    sg = values[("VA.IDENTIFIED", "SG", "2025-Q1", "")]
    assert sg.value is None and sg.status == "C"
    assert values[("VA.IDENTIFIED", "SG", "2025-Q1", "sex=F")].value is None
    withheld_totals = [c for c in ("SG", "TH", "MY", "XR")
                       if values[("VA.IDENTIFIED", c, "2025-Q1", "")].value is None]
    assert len(withheld_totals) >= 2  # SG's total cannot be had from the region's
    assert ("VA.IDENTIFIED", "VN", "2025-Q1", "") not in values
    rate = values[("VA.REFERRAL_RATE", "SG", "2025-Q1", "")]
    assert rate.value is None  # a share of three people is withheld too
    # MY's referrals (20, the smallest other) are withheld as SG's partner, so TH's stand.
    assert values[("VA.REFERRED", "MY", "2025-Q1", "")].value is None
    assert values[("VA.REFERRAL_RATE", "TH", "2025-Q1", "")].value == 75


def test_switching_control_off_and_rounding(framework):
    _publish_victims()
    plain = _by_cell(public_values(first=Period.parse("2025"), last=Period.parse("2025"),
                                   policy=Policy(threshold=0, rounding_base=0)))
    assert plain[("VA.IDENTIFIED", "SG", "2025-Q1", "")].value == 3
    rounded = _by_cell(public_values(first=Period.parse("2025"), last=Period.parse("2025"),
                                     policy=Policy(threshold=0, rounding_base=5)))
    assert rounded[("VA.IDENTIFIED", "TH", "2025-Q1", "sex=M")].value == 20


def test_sdmx_csv_and_ml_carry_the_same_observations(framework):
    _publish_victims()
    values = public_values(first=Period.parse("2025"), last=Period.parse("2025"))
    text = sdmx.write_sdmx_csv(values)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["STRUCTURE"] == "dataflow" and rows[0]["STRUCTURE_ID"] == sdmx.STRUCTURE_ID
    th_f = next(r for r in rows if r["INDICATOR"] == "VA.IDENTIFIED" and r["REF_AREA"] == "TH"
                and r["SEX"] == "F")
    assert th_f["AGE_GROUP"] == "_T" and th_f["SCAM_TYPE"] == "_Z" and th_f["FREQ"] == "Q"
    assert th_f["OBS_VALUE"] == "22" and th_f["CONF_STATUS"] == "F"
    root = ElementTree.fromstring(sdmx.write_sdmx_ml(values).encode())
    observations = root.findall(".//Obs")
    assert len(observations) == len(rows)
    assert any(o.get("CONF_STATUS") == "C" and o.get("OBS_VALUE") is None for o in observations)


def test_structure_names_every_dimension(framework):
    text = sdmx.write_structure()
    root = ElementTree.fromstring(text.encode())
    ids = {e.get("id") for e in root.iter() if e.tag.endswith("}Dimension")}
    assert {"INDICATOR", "REF_AREA", "FREQ", "SEX", "AGE_GROUP", "SCAM_TYPE"} <= ids
    assert "DF_JARING_MERL" in text and "CL_CONF_STATUS" in text
