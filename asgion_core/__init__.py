"""asgion's core: hookspecs, rule model, config, the Inspector and the general rules. Depends on pluggy only."""
