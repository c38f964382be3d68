"""No input makes a reader raise: every problem comes back as an error with a line."""

import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jaring.intel.exchange import READERS

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["type", "objects", "id", "object_refs", "labels", "published",
                         "external_references", "object_marking_refs", "extensions",
                         "Event", "Attribute", "Object", "Tag", "name", "value",
                         "reference", "indicators", "kind"]), inner, max_size=5),
    max_leaves=20,
)


def _check(reader, data: bytes):
    last = 0
    for line, record, errors in reader(io.BytesIO(data)):
        assert isinstance(line, int) and line >= last
        last = line
        assert record is not None or errors
        for error in errors:
            assert isinstance(error[0], int) and error[1] and error[2]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_arbitrary_bytes(data):
    for reader in READERS.values():
        _check(reader, data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_json)
def test_arbitrary_json_documents(document):
    data = json.dumps(document).encode()
    for reader in READERS.values():
        _check(reader, data)
    report = {**document, "type": "report"} if isinstance(document, dict) else {"type": "report"}
    bundle = {"type": "bundle", "objects": [report, document]}
    _check(READERS["stix"], json.dumps(bundle).encode())
    _check(READERS["misp"], json.dumps({"Event": document}).encode())
    _check(READERS["misp"], json.dumps({"Event": {"Attribute": [document],
                                                  "Object": [document]}}).encode())
