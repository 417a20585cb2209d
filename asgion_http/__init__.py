"""asgion's HTTP plugin: scope, event, ordering, extension and semantic rules for ``http`` scopes."""
