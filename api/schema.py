"""OpenAPI post-processing, so that generated clients (openapi-python-client, and others)
work against our schema as it is served:

- one request content type per operation (JSON); the views still accept forms, so
  ``curl -d username=… -d password=…`` keeps working on the token endpoint;
- every field a response always carries is required (DRF always writes every field), so
  clients type them as present;
- the error answers every operation can give, documented once with their real shape: 400
  field errors, 401/403/404/429 ``{"detail": …}`` (found by fuzzing: a page past the end
  answers 404, a bad token 401, another area's record 404, too many attempts 429);
- no parameter titles (a client names enums after them; they came translated).

The schema itself is always produced in English (``SchemaView``), whatever the caller's
language cookie: the same request gives the same schema.
"""

from __future__ import annotations

from django.utils import translation
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView

ERROR = {
    "type": "object",
    "description": "What went wrong, in the portal's language.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": (
        "Each invalid field with its messages; a nested object or list carries the same "
        "shape inside (e.g. `assistances: [{}, {app: [...]}]`). Errors of the whole body "
        "are under `non_field_errors`."
    ),
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "object", "additionalProperties": True},
            {"type": "array", "items": {"type": "object", "additionalProperties": True}},
        ]
    },
    "example": {"household": ["This household is outside your area."]},
}
COMMON = {
    "400": ("Invalid input: the fields and why.", "ValidationError"),
    "401": ("No valid token or session.", "Error"),
    "403": ("Signed in, but this role may not do this.", "Error"),
    "404": ("Not found in your area (or a page past the end of a list).", "Error"),
    "429": ("Too many attempts; try again later.", "Error"),
}
# Response fields that really are sometimes absent.
OPTIONAL_RESPONSE_FIELDS = {"VisitConflict": {"visit"}}
JSON = "application/json"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def postprocess(result, generator, request, public):
    """drf-spectacular post-processing hook (after postprocess_schema_enums)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)

    for name, component in schemas.items():
        if name.endswith("Request") or "properties" not in component:
            continue
        optional = OPTIONAL_RESPONSE_FIELDS.get(name, set())
        component["required"] = [p for p in component["properties"] if p not in optional]

    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            body = operation.get("requestBody")
            if body and len(body.get("content", {})) > 1:
                content = body["content"]
                kept = JSON if JSON in content else next(iter(content))
                body["content"] = {kept: content[kept]}
            for parameter in operation.get("parameters", []):
                parameter.get("schema", {}).pop("title", None)
            responses = operation.setdefault("responses", {})
            for status, (description, component) in COMMON.items():
                answer = responses.setdefault(status, {"description": description})
                if not answer.get("content"):
                    answer["content"] = {JSON: {"schema": _ref(component)}}
    return result


class SchemaView(SpectacularAPIView):
    """The schema in English for everyone (titles, descriptions and enum labels)."""

    http_method_names = ["get", "head"]

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def dispatch(self, request, *args, **kwargs):
        with translation.override("en"):
            response = super().dispatch(request, *args, **kwargs)
            response.render()  # inside: the labels are translated when rendered
        return response
