"""Rule examples as ``asgion rules ID`` shows them: the corrected example never reads like the mistake."""

from __future__ import annotations

import re

import pytest

from asgion_core.plugins import create_plugin_manager

REGISTRY = create_plugin_manager().rule_registry()
EXPLAINED = sorted(rule.id for rule in REGISTRY if "Corrected:" in rule.explanation)


def test_most_live_rules_have_examples() -> None:
    assert len(EXPLAINED) > 200


@pytest.mark.parametrize("rule_id", EXPLAINED)
def test_the_corrected_example_differs_from_the_bad_one(rule_id: str) -> None:
    explanation = REGISTRY[rule_id].explanation
    bad, good = re.findall(r"```python\n(.*?)\n```", explanation, flags=re.DOTALL)
    assert bad != good, f"{rule_id}: the corrected example reads exactly like the one that triggers it"
