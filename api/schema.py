"""OpenAPI post-processing: the error answers every operation can give, documented once.

Found by fuzzing (schemathesis): a page number past the end answers 404, a missing or bad
token 401, another area's record 404, too many attempts 429 — all real answers the schema
did not list."""

from __future__ import annotations

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
COMMON = {
    "400": "Invalid input: the fields and why.",
    "401": "No valid token or session.",
    "403": "Signed in, but this role may not do this.",
    "404": "Not found in your area (or a page past the end of a list).",
    "429": "Too many attempts; try again later.",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook."""
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            for status, description in COMMON.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR}},
                    },
                )
    return result
