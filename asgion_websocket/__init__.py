"""asgion's WebSocket plugin: scope, event and handshake/order rules for ``websocket`` scopes."""
