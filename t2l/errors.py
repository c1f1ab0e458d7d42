"""The one exception type users see: its message says what went wrong and how to fix it."""


class T2LError(Exception):
    """A user-facing error. The CLI prints it as one line and exits non-zero."""
