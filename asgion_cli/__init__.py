"""The asgion command line: app loading, an in-process ASGI driver, and rendering."""
