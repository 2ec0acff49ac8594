"""Schemathesis hooks for .ci/contract.

The work-plan import takes an XLSX workbook as its body, which schemathesis cannot build from a
JSON Schema: it sends random bytes (sometimes starting like a ZIP package) instead, so the
import's answers to bad workbooks are fuzzed too (each must be a documented 4xx, never a 500).
"""

import schemathesis
from hypothesis import strategies as st

schemathesis.openapi.media_type(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    st.one_of(st.binary(max_size=2048), st.binary(max_size=2048).map(lambda b: b"PK\x03\x04" + b)),
)
