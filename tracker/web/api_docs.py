"""The API documentation page: the OpenAPI document rendered as an NHS-styled page.

Server-rendered from the same document as /api/v1/openapi.json, so it never drifts from
the code, and it needs no JavaScript or third-party assets (the CSP allows none).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, current_app, render_template, url_for
from flask_login import login_required

from tracker import api

bp = Blueprint("api_docs", __name__, url_prefix="/api")

METHODS = ("get", "post", "patch", "put", "delete")


@dataclass
class Property:
    name: str
    type: str
    required: bool
    description: str


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    anchor: str
    parameters: list[Property] = field(default_factory=list)
    body: list[Property] = field(default_factory=list)
    body_schema: str | None = None
    example: str | None = None
    responses: list[tuple[str, str, str | None]] = field(default_factory=list)


def _anchor(method: str, path: str) -> str:
    return method + "-" + re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        kind, name = node["$ref"].split("/")[-2:]
        node = document["components"][kind][name]
    return node


def describe_type(schema: dict[str, Any]) -> str:
    """'string (date-time)', 'array of Requirement', 'integer, 1 to 60', 'one of: a, b'."""
    if "$ref" in schema:
        return _ref_name(schema["$ref"])
    kind = schema.get("type", "object")
    if kind == "array":
        text = f"array of {describe_type(schema.get('items', {}))}"
    elif "enum" in schema:
        text = "one of: " + ", ".join("null" if v is None else str(v) for v in schema["enum"])
    else:
        text = kind + (f" ({schema['format']})" if "format" in schema else "")
    limits = []
    if "minimum" in schema or "maximum" in schema:
        limits.append(f"{schema.get('minimum', '…')} to {schema.get('maximum', '…')}")
    if "maxLength" in schema:
        limits.append(f"at most {schema['maxLength']} characters")
    if "maxItems" in schema:
        limits.append(f"at most {schema['maxItems']} items")
    if schema.get("nullable"):
        limits.append("or null")
    return ", ".join([text, *limits])


def _properties(document: dict[str, Any], schema: dict[str, Any]) -> list[Property]:
    resolved = _resolve(document, schema)
    required = set(resolved.get("required", []))
    return [
        Property(name, describe_type(prop), name in required, prop.get("description", ""))
        for name, prop in resolved.get("properties", {}).items()
    ]


def operations(document: dict[str, Any]) -> dict[str, list[Operation]]:
    """Operations grouped by tag, in the document's order."""
    grouped: dict[str, list[Operation]] = {}
    for path, item in document["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            spec = item[method]
            op = Operation(
                method=method.upper(),
                path=path,
                summary=spec.get("summary", ""),
                description=spec.get("description", ""),
                anchor=_anchor(method, path),
            )
            for parameter in [*item.get("parameters", []), *spec.get("parameters", [])]:
                schema = parameter.get("schema", {})
                op.parameters.append(
                    Property(
                        f"{parameter['name']} ({parameter['in']})",
                        describe_type(schema)
                        + (f", default {schema['default']}" if "default" in schema else ""),
                        parameter.get("required", False),
                        parameter.get("description", ""),
                    )
                )
            content = spec.get("requestBody", {}).get("content", {}).get("application/json")
            if content:
                op.body_schema = describe_type(content["schema"])
                op.body = _properties(document, content["schema"])
                if "example" in content:
                    op.example = json.dumps(content["example"], indent=2)
            for status, response in spec.get("responses", {}).items():
                resolved = _resolve(document, response)
                body = resolved.get("content", {}).get("application/json", {}).get("schema")
                op.responses.append(
                    (status, resolved.get("description", ""), describe_type(body) if body else None)
                )
            for tag in spec.get("tags", ["other"]):
                grouped.setdefault(tag, []).append(op)
    return grouped


@bp.route("/docs")
@login_required
def index() -> str:
    document = api.spec(current_app)
    tags = {tag["name"]: tag.get("description", "") for tag in document.get("tags", [])}
    schemas = {
        name: _properties(document, schema)
        for name, schema in sorted(document["components"]["schemas"].items())
    }
    return render_template(
        "api/docs.html",
        document=document,
        description=document["info"].get("description", ""),
        tags=tags,
        grouped=operations(document),
        schemas=schemas,
        spec_url=url_for("api_spec.openapi_document", _external=True),
        base_url=url_for("api_spec.openapi_document", _external=True).rsplit("/", 1)[0],
    )
