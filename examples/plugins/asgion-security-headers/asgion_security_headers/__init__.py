"""An example asgion rule plugin: security headers on HTTP responses (prefix SH)."""
