"""asgion's Lifespan plugin: lifespan scope, event and order rules, and the cross-scope rules.

The cross-scope rules need one Inspector that sees the lifespan scope and the request scopes together.
"""
