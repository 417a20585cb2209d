"""The smallest request an OpenAPI operation accepts: path values, required query and headers, a body."""

from __future__ import annotations

import json
from typing import Any

from asgion_core.discovery import SAMPLE_UUID
from asgion_core.openapi import operation_request, sample_json

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "paths": {
        "/items/{item_id}": {
            "parameters": [{"name": "item_id", "in": "path", "required": True,
                            "schema": {"type": "string", "format": "uuid"}}],
            "put": {
                "parameters": [
                    {"name": "q", "in": "query", "required": True, "schema": {"type": "integer", "minimum": 3}},
                    {"name": "page", "in": "query", "schema": {"type": "integer"}},
                    {"name": "X-Token", "in": "header", "required": True, "schema": {"type": "string"}},
                    {"name": "session", "in": "cookie", "required": True, "schema": {"type": "string"}},
                ],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Item"}}}},
            },
        },
        "/login": {"post": {"requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {
            "type": "object", "required": ["user", "remember"],
            "properties": {"user": {"type": "string"}, "remember": {"type": "boolean"}}}}}}}},
        "/upload": {"post": {"requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object"}}}}}},
    },
    "components": {"schemas": {
        "Item": {"type": "object", "required": ["name", "price", "color", "tags", "owner", "note"],
                 "properties": {"name": {"type": "string", "minLength": 3},
                                "price": {"type": "number", "exclusiveMinimum": 0},
                                "color": {"$ref": "#/components/schemas/Color"},
                                "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                                "owner": {"allOf": [{"$ref": "#/components/schemas/Owner"}]},
                                "note": {"anyOf": [{"type": "null"}, {"type": "string", "format": "date"}]},
                                "optional": {"type": "string"}}},
        "Color": {"type": "string", "enum": ["red", "blue"]},
        "Owner": {"type": "object", "required": ["id"], "properties": {"id": {"type": ["integer", "null"]}}},
    }},
}


def test_an_operation_gets_its_path_values_required_query_headers_and_json_body() -> None:
    request = operation_request(DOCUMENT, "/items/{item_id}", "PUT")
    assert request is not None
    assert request.path_values == {"item_id": SAMPLE_UUID}
    assert request.query == "q=3", "required query parameters only, at their minimum"
    assert request.headers == (("x-token", "x"), ("cookie", "session=x"), ("content-type", "application/json"))
    assert json.loads(request.body) == {"name": "xxx", "price": 1.0, "color": "red", "tags": ["x"],
                                        "owner": {"id": 1}, "note": "2024-01-01"}


def test_a_form_body_is_urlencoded_and_multipart_is_left_out() -> None:
    login = operation_request(DOCUMENT, "/login", "post")
    assert login is not None
    assert login.body == b"user=x&remember=true"
    assert ("content-type", "application/x-www-form-urlencoded") in login.headers
    upload = operation_request(DOCUMENT, "/upload", "POST")
    assert upload is not None and upload.body == b"" and upload.headers == ()


def test_unknown_operations_and_broken_documents_give_nothing() -> None:
    assert operation_request(DOCUMENT, "/items/{item_id}", "DELETE") is None
    assert operation_request(DOCUMENT, "/nowhere", "GET") is None
    assert operation_request({"paths": None}, "/", "GET") is None
    assert operation_request({"paths": {"/": {"get": ["odd"]}}}, "/", "GET") is None


def test_samples_are_bounded_on_recursive_and_dangling_schemas() -> None:
    document = {"components": {"schemas": {"Node": {"type": "object", "required": ["child"],
                                                    "properties": {"child": {"$ref": "#/components/schemas/Node"}}}}}}
    value = sample_json(document, {"$ref": "#/components/schemas/Node"})
    depth = 0
    while isinstance(value, dict):
        value, depth = value["child"], depth + 1
    assert value is None and 5 < depth < 20
    assert sample_json(document, {"$ref": "#/components/schemas/Missing"}) is None
    assert sample_json(document, {"type": "integer", "minimum": 10, "maximum": 5}) == 5
    assert sample_json(document, {"const": 7}) == 7 and sample_json(document, {"examples": ["e"]}) == "e"


def test_cookies_share_one_header_and_patterns_and_exclusive_bounds_are_met() -> None:
    document = {"paths": {"/p": {"get": {"parameters": [
        {"name": "a", "in": "cookie", "required": True, "schema": {"type": "string"}},
        {"name": "b", "in": "cookie", "required": True, "schema": {"type": "string"}},
        {"name": "code", "in": "query", "required": True, "schema": {"type": "string", "pattern": "^[A-Z]{3}$"}},
        {"name": "n", "in": "query", "required": True, "schema": {"type": "integer", "exclusiveMaximum": 0}},
    ]}}}}
    request = operation_request(document, "/p", "GET")
    assert request is not None
    assert request.headers == (("cookie", "a=x; b=x"),)
    assert request.query == "code=AAA&n=-1"
