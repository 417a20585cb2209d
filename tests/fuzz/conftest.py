"""Hypothesis profiles: "fast" for the suite (default), "long" for a thorough run (HYPOTHESIS_PROFILE=long)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("fast", max_examples=300, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=20_000, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))
