"""Output formats for asgion reports, one plugin module per format."""
