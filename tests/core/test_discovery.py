"""The core's part of route discovery: following wrappers, and asking the plugins."""

from __future__ import annotations

from typing import Any

from asgion import hookimpl
from asgion_core.discovery import (
    SAMPLE_UUID,
    DiscoveredRoute,
    Discovery,
    discover,
    fill_path,
    ordered_methods,
    sample_value,
    unwrap,
)
from asgion_core.plugins import create_plugin_manager


class Wrapper:
    def __init__(self, app: Any, attribute: str = "app") -> None:
        setattr(self, attribute, app)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        pass


async def inner(scope: Any, receive: Any, send: Any) -> None:
    pass


def test_unwrap_follows_the_usual_attributes_once() -> None:
    chain = Wrapper(Wrapper(inner, "wrapped"), "app")
    assert list(unwrap(chain))[-1] is inner
    loop = Wrapper(inner)
    loop.app = loop  # type: ignore[attr-defined]
    assert list(unwrap(loop)) == [loop]


def test_the_first_plugin_that_knows_a_wrapped_object_answers() -> None:
    class Knows:
        @hookimpl
        def asgion_discover_routes(self, app: Any) -> Discovery | None:
            return Discovery([DiscoveredRoute("/x")]) if app is inner else None

    class Broken:
        @hookimpl
        def asgion_discover_routes(self, app: Any) -> Any:
            return "not a discovery"

    pm = create_plugin_manager(plugins=[Knows(), Broken()], autoload=False, env={})
    found = discover(pm, Wrapper(inner))
    assert [r.spec for r in found.routes] == ["GET:/x"] and found.source == "Knows"
    assert any("not a Discovery" in e for e in pm.plugin_errors)


def test_sample_values_by_type() -> None:
    import enum
    import uuid

    class Color(enum.Enum):
        RED = "red"
        BLUE = "blue"

    class Tiny(int):
        pass

    assert [sample_value(t) for t in (int, float, bool, str, uuid.UUID, Color, Tiny)] == [
        "1", "1.0", "true", "x", SAMPLE_UUID, "red", "1"]
    assert sample_value(list) is None and sample_value("not a type") is None


def test_methods_come_get_first() -> None:
    assert ordered_methods({"post", "HEAD", "GET", "OPTIONS"}) == ["GET", "HEAD", "OPTIONS", "POST"]
    assert ordered_methods(None) == ["GET"]
    assert ordered_methods({"GET"}) == ["GET"], "HEAD only where the route table has it"


def test_discoveries_are_capped_and_unfillable_paths_skipped() -> None:
    import re

    found = Discovery([DiscoveredRoute(f"/{n}") for n in range(5)]).capped(3)
    assert len(found.routes) == 3 and found.skipped == ["2 more operations beyond the cap of 3"]
    pattern = re.compile(r"{(\w+)}")
    assert fill_path("/a/{x}/{y}", pattern, lambda m: m.group(1).upper()) == "/a/X/Y"
    assert fill_path("/a/{x}", pattern, lambda m: None) is None


def test_negated_classes_get_a_character_outside_them() -> None:
    from asgion_core.discovery import sample_matching

    assert sample_matching("[^a-z]+") == "X"
    assert sample_matching("[^xyzXYZ0_~.-]") is None, "no sample: None, not an exception"
