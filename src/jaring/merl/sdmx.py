"""Open data as SDMX: the data structure definition, SDMX-CSV 2.0 and SDMX-ML 3.0.

The structure message (code lists, concepts, the DSD and its dataflow) is written
by pysdmx. The two data messages are written here with the standard library:
pysdmx writes data only from a pandas DataFrame (its ``data`` extra, pandas and
pyarrow, about 150 MB installed), which is a heavy dependency for a few thousand
rows whose format is simple and fully specified (decision 0022).

Each disaggregation code list is one dimension of the DSD (``sex`` -> ``SEX``); a
value names ``_T`` (total) in the dimensions it is not broken down by, and ``_Z``
(not applicable) in those its indicator does not have.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from xml.etree import ElementTree

from django.utils import timezone

from jaring.merl import disagg
from jaring.merl.models import Indicator, IndicatorDimension
from jaring.merl.publication import PublicValue
from jaring.reference.models import Code, CodeList, Country

AGENCY = "ASEAN"
VERSION = "1.0"
DSD_ID = "DSD_JARING_MERL"
DATAFLOW_ID = "DF_JARING_MERL"
STRUCTURE_ID = f"{AGENCY}:{DATAFLOW_ID}({VERSION})"
TOTAL, NOT_APPLICABLE = "_T", "_Z"
MESSAGE_NS = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message"
COMMON_NS = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/common"
SS_NS = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/data/structurespecific"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_FREQ = {"month": "M", "quarter": "Q", "semester": "S", "year": "A"}


def dimension_id(code_list: str) -> str:
    return code_list.upper().replace("-", "_")


def disaggregation_lists() -> list[str]:
    return sorted(set(IndicatorDimension.objects.values_list("code_list_id", flat=True)))


def _indicator_dimensions() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for code, code_list in IndicatorDimension.objects.values_list("indicator__code",
                                                                  "code_list_id"):
        found.setdefault(code, set()).add(code_list)
    return found


def columns() -> list[str]:
    return ["INDICATOR", "REF_AREA", "FREQ", *(dimension_id(c) for c in disaggregation_lists()),
            "TIME_PERIOD", "OBS_VALUE", "UNIT_MEASURE", "CONF_STATUS"]


def observations(values: Iterable[PublicValue]) -> Iterable[dict[str, str]]:
    lists = disaggregation_lists()
    dims = _indicator_dimensions()
    frequencies = dict(Indicator.objects.values_list("code", "frequency"))
    for value in values:
        parts = disagg.decode(value.disaggregation)
        row = {"INDICATOR": value.indicator, "REF_AREA": value.country,
               "FREQ": _FREQ[frequencies[value.indicator]]}
        for code_list in lists:
            if code_list in parts:
                row[dimension_id(code_list)] = parts[code_list]
            elif code_list in dims.get(value.indicator, set()):
                row[dimension_id(code_list)] = TOTAL
            else:
                row[dimension_id(code_list)] = NOT_APPLICABLE
        row["TIME_PERIOD"] = value.period
        row["OBS_VALUE"] = "" if value.value is None else f"{value.value:f}"
        row["UNIT_MEASURE"] = value.unit.upper()
        row["CONF_STATUS"] = value.status
        yield row


def write_sdmx_csv(values: Iterable[PublicValue]) -> str:
    """SDMX-CSV 2.0: the structure, its id and the action come first on every row."""
    out = io.StringIO()
    header = columns()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["STRUCTURE", "STRUCTURE_ID", "ACTION", *header])
    for row in observations(values):
        writer.writerow(["dataflow", STRUCTURE_ID, "I", *(row[c] for c in header)])
    return out.getvalue()


def write_sdmx_ml(values: Iterable[PublicValue]) -> str:
    """An SDMX-ML 3.0 structure-specific data message, one Obs per value."""
    ElementTree.register_namespace("message", MESSAGE_NS)
    ElementTree.register_namespace("common", COMMON_NS)
    ElementTree.register_namespace("ss", SS_NS)
    ElementTree.register_namespace("xsi", XSI_NS)
    data_ns = f"urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow={STRUCTURE_ID}"
    root = ElementTree.Element(f"{{{MESSAGE_NS}}}StructureSpecificData")
    # Named only inside xsi:type, which ElementTree does not see: declare it by hand.
    root.set("xmlns:df", data_ns)
    header = ElementTree.SubElement(root, f"{{{MESSAGE_NS}}}Header")
    now = timezone.now()
    ElementTree.SubElement(header, f"{{{MESSAGE_NS}}}ID").text = f"JARING-{now:%Y%m%d%H%M%S}"
    ElementTree.SubElement(header, f"{{{MESSAGE_NS}}}Test").text = "false"
    ElementTree.SubElement(header, f"{{{MESSAGE_NS}}}Prepared").text = now.isoformat(
        timespec="seconds")
    ElementTree.SubElement(header, f"{{{MESSAGE_NS}}}Sender", id="JARING")
    structure = ElementTree.SubElement(
        header, f"{{{MESSAGE_NS}}}Structure", structureID=DATAFLOW_ID, namespace=data_ns,
        dimensionAtObservation="AllDimensions")
    ElementTree.SubElement(structure, f"{{{COMMON_NS}}}Dataflow").text = \
        f"urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow={STRUCTURE_ID}"
    dataset = ElementTree.SubElement(root, f"{{{MESSAGE_NS}}}DataSet", {
        f"{{{SS_NS}}}structureRef": DATAFLOW_ID, f"{{{XSI_NS}}}type": "df:DataSetType",
        f"{{{SS_NS}}}dataScope": "DataStructure", "action": "Information"})
    for row in observations(values):
        attrs = {k: v for k, v in row.items() if v != ""}
        ElementTree.SubElement(dataset, "Obs", attrs)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def write_structure() -> str:
    """The data structure definition, its code lists and concepts, as SDMX-ML 3.0."""
    from pysdmx.io.format import Format
    from pysdmx.io.writer import write_sdmx
    from pysdmx.model import (
        Code as SdmxCode,
    )
    from pysdmx.model import (
        Codelist,
        Component,
        Components,
        Concept,
        ConceptScheme,
        Dataflow,
        DataStructureDefinition,
        DataType,
        Role,
    )

    concept_urn = f"urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept={AGENCY}:CS_MERL({VERSION})."

    def codelist(cl_id: str, name: str, items: list[tuple[str, str]]) -> Codelist:
        return Codelist(id=cl_id, agency=AGENCY, version=VERSION, name=name,
                        items=[SdmxCode(id=c, name=n) for c, n in items])

    special = [(TOTAL, "Total"), (NOT_APPLICABLE, "Not applicable")]
    lists = [
        codelist("CL_INDICATOR", "Jaring MERL indicators",
                 list(Indicator.objects.values_list("code", "name"))),
        codelist("CL_AREA", "ASEAN member states and the region",
                 [*Country.objects.filter(is_member_state=True).values_list("code", "name"),
                  ("XR", "ASEAN region")]),
        codelist("CL_FREQ", "Frequency", [("A", "Annual"), ("S", "Half-yearly"),
                                          ("Q", "Quarterly"), ("M", "Monthly")]),
        codelist("CL_UNIT", "Unit", [(u.upper(), label) for u, label in Indicator.Unit.choices]),
        codelist("CL_CONF_STATUS", "Confidentiality status",
                 [("F", "Free"), ("C", "Confidential: withheld")]),
    ]
    dims = []
    for code_list in disaggregation_lists():
        found = CodeList.objects.get(pk=code_list)
        cl_id = f"CL_{dimension_id(code_list)}"
        lists.append(codelist(cl_id, found.name, [
            *Code.objects.filter(code_list=found).values_list("code", "label"), *special]))
        dims.append((dimension_id(code_list), found.name, lists[-1]))
    by_id = {c.id: c for c in lists}

    def component(cid: str, name: str, role, dtype, codes=None, **extra) -> Component:
        return Component(id=cid, required=role != Role.ATTRIBUTE, role=role,
                         concept=Concept(id=cid, name=name, urn=concept_urn + cid),
                         local_dtype=dtype, local_codes=codes, **extra)

    parts = [
        component("INDICATOR", "Indicator", Role.DIMENSION, DataType.STRING,
                  by_id["CL_INDICATOR"]),
        component("REF_AREA", "Reference area", Role.DIMENSION, DataType.STRING,
                  by_id["CL_AREA"]),
        component("FREQ", "Frequency", Role.DIMENSION, DataType.STRING, by_id["CL_FREQ"]),
        *(component(cid, name, Role.DIMENSION, DataType.STRING, cl) for cid, name, cl in dims),
        component("TIME_PERIOD", "Time period", Role.DIMENSION, DataType.PERIOD),
        component("OBS_VALUE", "Observation value", Role.MEASURE, DataType.DOUBLE),
        component("UNIT_MEASURE", "Unit of measure", Role.ATTRIBUTE, DataType.STRING,
                  by_id["CL_UNIT"], attachment_level="O"),
        component("CONF_STATUS", "Confidentiality status", Role.ATTRIBUTE, DataType.STRING,
                  by_id["CL_CONF_STATUS"], attachment_level="O"),
    ]
    concepts = ConceptScheme(id="CS_MERL", agency=AGENCY, version=VERSION,
                             name="Jaring MERL concepts",
                             items=[Concept(id=c.id, name=getattr(c.concept, "name", c.id))
                                    for c in parts])
    dsd = DataStructureDefinition(id=DSD_ID, agency=AGENCY, version=VERSION,
                                  name="Jaring MERL indicators", components=Components(parts))
    flow = Dataflow(id=DATAFLOW_ID, agency=AGENCY, version=VERSION,
                    name="Jaring MERL open data",
                    structure=f"DataStructure={AGENCY}:{DSD_ID}({VERSION})")
    return write_sdmx([*lists, concepts, dsd, flow], Format.STRUCTURE_SDMX_ML_3_0) or ""
