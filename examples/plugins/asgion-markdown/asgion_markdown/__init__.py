"""An example asgion reporter plugin: Markdown output."""
