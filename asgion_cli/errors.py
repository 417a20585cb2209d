"""The one exception type the CLI turns into ``asgion: error: ...`` and exit code 2."""


class UserError(Exception):
    """A mistake the user can fix; the message says what to do. Never shown with a traceback."""
