"""The per-connection HTTP facts: what HttpData takes from the scope."""

from __future__ import annotations

from asgion_core.scenario import DELETE, http_scope
from asgion_http.fsm import HttpData


def test_extensions_read_as_the_scope_dict_or_empty() -> None:
    advertised = {"http.response.trailers": {}}
    assert HttpData(http_scope(extensions=advertised)).extensions is advertised
    for odd in ([], None, DELETE):
        assert HttpData(http_scope(extensions=odd)).extensions == {}


def test_method_is_kept_upper_case() -> None:
    assert HttpData(http_scope(method="get")).method == "GET"
    assert HttpData(http_scope(method=5)).method == ""
