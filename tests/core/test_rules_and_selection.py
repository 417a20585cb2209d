"""Rule registry and rule selection."""

from __future__ import annotations

import pytest

from asgion_core.plugins import create_plugin_manager
from asgion_core.rules import Rule, RuleError, RuleRegistry, Severity
from asgion_core.selection import Profile, SelectionError, match_rules, select_rules


def rule(rule_id: str, severity: Severity = Severity.ERROR, **kw: object) -> Rule:
    return Rule(id=rule_id, name=rule_id.lower(), severity=severity, layer="x.test", **kw)  # type: ignore[arg-type]


def test_registry_rejects_duplicate_ids_and_foreign_prefixes() -> None:
    registry = RuleRegistry()
    registry.register(rule("XA-001"), "one")
    with pytest.raises(RuleError, match="registered twice"):
        registry.register(rule("XA-001"), "one")
    with pytest.raises(RuleError, match="belongs to plugin 'one'"):
        registry.register(rule("XA-002"), "two")


def test_rule_ids_must_be_prefix_and_number() -> None:
    with pytest.raises(RuleError):
        rule("HF2")


@pytest.fixture(scope="module")
def registry() -> RuleRegistry:
    return create_plugin_manager().rule_registry()


def test_builtin_catalogue_counts(registry: RuleRegistry) -> None:
    general_and_http = [r for r in registry if r.prefix in ("G", "HS", "HE", "HF", "EX", "SEM")]
    assert len(general_and_http) == 150
    retired = {r.id for r in general_and_http if r.status == "retired"}
    assert retired == {"HS-001", "HS-008", "HS-014", "HS-018", "HE-001", "HF-010"}


def test_recommended_profile_is_the_default_set(registry: RuleRegistry) -> None:
    enabled = select_rules(registry)
    assert "HF-002" in enabled
    assert "HS-031" not in enabled, "preview rules are off by default"
    assert "HS-001" not in enabled, "retired rules never fire"


def test_strict_includes_preview_but_not_retired(registry: RuleRegistry) -> None:
    enabled = select_rules(registry, profile="strict")
    assert {"HS-031", "HS-033", "HF-020", "G-019"} <= enabled
    assert "HF-010" not in enabled


def test_minimal_profile_is_errors_only(registry: RuleRegistry) -> None:
    enabled = select_rules(registry, profile="minimal")
    assert enabled and all(registry[i].severity is Severity.ERROR for i in enabled)


def test_patterns(registry: RuleRegistry) -> None:
    assert {r.id for r in match_rules("HF-002", registry)} == {"HF-002"}
    assert {r.prefix for r in match_rules("SEM", registry)} == {"SEM"}
    assert {r.id for r in match_rules("SEM-00*", registry)} == {f"SEM-00{i}" for i in range(1, 10)}
    assert [r.id for r in match_rules("body-before-start", registry)] == ["HF-002"]
    assert match_rules("ZZ-001", registry) == [], "ids of plugins that are not loaded match nothing"
    with pytest.raises(SelectionError, match="unknown rule id"):
        match_rules("HF-999", registry)


def test_filters_compose(registry: RuleRegistry) -> None:
    enabled = select_rules(registry, categories=["http.fsm"], min_severity="warning", exclude_rules=["HF-00*"])
    assert enabled
    assert all(registry[i].layer == "http.fsm" and registry[i].severity.rank >= 2 for i in enabled)
    assert not any(i.startswith("HF-00") for i in enabled)


def test_select_restricts_to_exactly_the_named_rules(registry: RuleRegistry) -> None:
    assert select_rules(registry, select=["HF-002", "HS-031"]) == {"HF-002", "HS-031"}


def test_user_profiles_extend(registry: RuleRegistry) -> None:
    profiles = {"ci": Profile("ci", "", base="strict", exclude_rules=("SEM",))}
    enabled = select_rules(registry, profile="ci", profiles=profiles)
    assert "HS-031" in enabled and not any(i.startswith("SEM") for i in enabled)
    with pytest.raises(SelectionError, match="unknown profile"):
        select_rules(registry, profile="nope")
