"""Loaded by schemathesis (SCHEMATHESIS_HOOKS) in reelremix/tests/test_api_contract.py: tus chunks
(application/offset+octet-stream) are raw bytes, sent as schemathesis sends application/octet-stream."""

import schemathesis

schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
