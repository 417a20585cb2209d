"""Requests an OpenAPI document describes: path values, required query parameters and headers, a minimal body.

Frameworks that serve an OpenAPI document (FastAPI, Litestar) know more about an operation than their route table
shows: which query parameters and headers it requires and what body it validates. Discovery plugins hand the
document (a plain dict, OpenAPI 3.0 or 3.1) to :func:`operation_request` and get the smallest request the operation
accepts, so a driven POST reaches the handler instead of stopping at a 422.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
import types
import typing
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from asgion_core.discovery import SAMPLE_UUID, sample_matching

__all__ = ["OperationRequest", "json_body_for", "operation_request", "sample_json", "type_schema"]

#: How deep a schema is followed ($ref chains, nested objects) before the sample stops at null.
MAX_DEPTH = 12
_FORMAT_SAMPLES = {"uuid": SAMPLE_UUID, "date": "2024-01-01", "date-time": "2024-01-01T00:00:00Z",
                   "time": "00:00:00", "email": "user@example.com", "uri": "https://example.com/",
                   "url": "https://example.com/", "ipv4": "192.0.2.1", "ipv6": "2001:db8::1", "binary": "x",
                   "byte": "eA==", "duration": "P1D", "hostname": "example.com"}
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass(frozen=True)
class OperationRequest:
    """What one operation needs: sample path values by name, a query string, headers and a body."""

    path_values: Mapping[str, str]
    query: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


def operation_request(document: Mapping[str, Any], path: str, method: str) -> OperationRequest | None:
    """The minimal request for ``method`` on ``path`` (as the document spells it, ``/items/{item_id}``), or None
    when the document has no such operation."""
    try:
        operation = document["paths"][path][method.lower()]
    except (KeyError, TypeError):
        return None
    if not isinstance(operation, Mapping):
        return None
    shared = document["paths"][path].get("parameters") or []
    path_values: dict[str, str] = {}
    query: list[tuple[str, str]] = []
    headers: list[tuple[str, str]] = []
    cookies: list[str] = []
    for parameter in [*_as_list(shared), *_as_list(operation.get("parameters"))]:
        parameter = _resolve(document, parameter)
        if not isinstance(parameter, Mapping) or not isinstance(parameter.get("name"), str):
            continue
        where, name = parameter.get("in"), parameter["name"]
        if where != "path" and not parameter.get("required"):
            continue
        value = _text(sample_json(document, parameter.get("schema") or {}))
        if where == "path":
            path_values[name] = value
        elif where == "query":
            query.append((name, value))
        elif where == "header":
            headers.append((name.lower(), value))
        elif where == "cookie":
            cookies.append(f"{name}={value}")
    if cookies:  # one Cookie header, as browsers send it (frameworks read only the first)
        headers.append(("cookie", "; ".join(cookies)))
    body, content_type = _body(document, operation.get("requestBody"))
    if content_type:
        headers.append(("content-type", content_type))
    return OperationRequest(path_values, urlencode(query), tuple(headers), body)


def _body(document: Mapping[str, Any], request_body: Any) -> tuple[bytes, str]:
    """A required body in the operation's first JSON or form media type, as bytes and its content type."""
    request_body = _resolve(document, request_body)
    if not isinstance(request_body, Mapping) or not isinstance(request_body.get("content"), Mapping):
        return b"", ""
    content = request_body["content"]
    for media_type, media in content.items():
        schema = media.get("schema", {}) if isinstance(media, Mapping) else {}
        if media_type == "application/json" or str(media_type).endswith("+json"):
            return json.dumps(sample_json(document, schema)).encode(), str(media_type)
        if media_type == _FORM_TYPES[0]:
            value = sample_json(document, schema)
            fields = value.items() if isinstance(value, dict) else ()
            return urlencode([(k, _text(v)) for k, v in fields]).encode(), media_type
    return b"", ""  # multipart and others: the operation is driven without a body rather than with a wrong one


def sample_json(document: Mapping[str, Any], schema: Any, depth: int = 0) -> Any:
    """The smallest value ``schema`` accepts that asgion can build: required properties only, the first enum
    value, the minimum of a range, one item where ``minItems`` asks for it."""
    schema = _resolve(document, schema)
    if depth > MAX_DEPTH or not isinstance(schema, Mapping):
        return None
    for key in ("const", "default", "example"):
        if key in schema:
            return schema[key]
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return schema["examples"][0]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        options = [o for o in _as_list(schema.get(key)) if _resolve(document, o) != {"type": "null"}]
        if options:
            return sample_json(document, options[0], depth + 1)
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in _as_list(schema["allOf"]):
            value = sample_json(document, part, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
            elif not merged:
                return value
        return merged
    kind = schema.get("type")
    if isinstance(kind, list):  # OpenAPI 3.1: ["string", "null"]
        kind = next((k for k in kind if k != "null"), None)
    if kind is None and "properties" in schema:
        kind = "object"
    return _sample_of_type(document, schema, kind, depth)


def _sample_of_type(document: Mapping[str, Any], schema: Mapping[str, Any], kind: Any, depth: int) -> Any:
    if kind == "object":
        properties = schema.get("properties")
        properties = properties if isinstance(properties, Mapping) else {}
        required = [name for name in _as_list(schema.get("required")) if isinstance(name, str)]
        return {name: sample_json(document, properties.get(name, {}), depth + 1) for name in required}
    if kind == "array":
        count = schema.get("minItems", 0)
        item = sample_json(document, schema.get("items", {}), depth + 1)
        return [item] * count if isinstance(count, int) and 0 < count <= 8 else []
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        value = low if isinstance(low, int | float) and not isinstance(low, bool) else 1
        if isinstance(schema.get("exclusiveMinimum"), int | float) or schema.get("exclusiveMinimum") is True:
            value += 1
        high = schema.get("maximum", schema.get("exclusiveMaximum"))
        if isinstance(high, int | float) and not isinstance(high, bool):
            exclusive = isinstance(schema.get("exclusiveMaximum"), int | float) \
                or schema.get("exclusiveMaximum") is True
            if value > high or (exclusive and value >= high):
                value = high - 1 if exclusive else high
        return int(value) if kind == "integer" else float(value)
    if kind == "boolean":
        return True
    if kind == "string":
        if schema.get("format") in _FORMAT_SAMPLES:
            return _FORMAT_SAMPLES[schema["format"]]
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            matching = _pattern_sample(pattern)
            if matching is not None:
                return matching
        length = schema.get("minLength", 1)
        return "x" * (length if isinstance(length, int) and 0 < length <= 64 else 1)
    return None


def _pattern_sample(pattern: str) -> str | None:
    """A string that JSON Schema's ``pattern`` (a search, not a full match) accepts."""
    body = pattern.removeprefix("^").removesuffix("$")
    return sample_matching(body)


def _resolve(document: Mapping[str, Any], value: Any, hops: int = 0) -> Any:
    """``value`` with a local ``$ref`` (``#/components/schemas/Item``) followed; a broken reference is ``{}``."""
    while isinstance(value, Mapping) and isinstance(value.get("$ref"), str) and hops < MAX_DEPTH:
        target: Any = document
        for part in value["$ref"].removeprefix("#/").split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~")) if isinstance(target, Mapping) else None
        value, hops = (target if target is not None else {}), hops + 1
    return value


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _text(value: Any) -> str:
    """A sample as a path, query or header value: JSON scalars as they are written in a URL."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "x"
    if isinstance(value, str):
        return value
    return json.dumps(value) if isinstance(value, dict | list) else str(value)


def json_body_for(model: Any) -> bytes:
    """A minimal JSON body for a handler's body type (a dataclass, a pydantic model, a TypedDict or a plain type),
    for frameworks that declare bodies by type hint but serve no OpenAPI document (BlackSheep's ``FromJSON[T]``)."""
    schema = type_schema(model)
    return json.dumps(sample_json(schema, schema)).encode()


_SCALARS: dict[Any, dict[str, Any]] = {
    int: {"type": "integer"}, float: {"type": "number"}, str: {"type": "string"}, bool: {"type": "boolean"},
    bytes: {"type": "string"}, uuid.UUID: {"type": "string", "format": "uuid"},
    datetime.date: {"type": "string", "format": "date"}, datetime.datetime: {"type": "string", "format": "date-time"},
}


def type_schema(annotation: Any, depth: int = 0) -> dict[str, Any]:
    """A JSON schema for a Python type, as far as a sample needs one; ``{}`` (anything) for what it cannot read."""
    if depth > MAX_DEPTH:
        return {}
    model_schema = getattr(annotation, "model_json_schema", None)  # pydantic v2 models describe themselves
    if isinstance(annotation, type) and callable(model_schema):
        try:
            described = model_schema()
        except Exception:
            return {}
        return described if isinstance(described, dict) else {}
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return {"enum": [member.value for member in annotation]}
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [type_schema(a, depth + 1) for a in arguments if a is not type(None)]}
    if origin is typing.Literal:
        return {"enum": list(arguments)}
    if origin in (list, set, frozenset, tuple) or annotation in (list, set, tuple):
        return {"type": "array", "items": type_schema(arguments[0], depth + 1) if arguments else {}}
    if origin is dict or annotation is dict:
        return {"type": "object"}
    if dataclasses.is_dataclass(annotation) and isinstance(annotation, type):
        return _fields_schema(annotation, [f.name for f in dataclasses.fields(annotation)
                                           if f.default is dataclasses.MISSING
                                           and f.default_factory is dataclasses.MISSING], depth)
    if typing.is_typeddict(annotation):
        return _fields_schema(annotation, sorted(getattr(annotation, "__required_keys__", ())), depth)
    return {}


def _fields_schema(cls: type, required: list[str], depth: int) -> dict[str, Any]:
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # unresolvable annotations: the fields are there, their types unknown
        hints = {}
    return {"type": "object", "required": required,
            "properties": {name: type_schema(hints.get(name), depth + 1) for name in required}}
