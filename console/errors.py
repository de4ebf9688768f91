"""One exception for bad input data, so the CLI can print one line and exit 2."""


class DataError(Exception):
    """A catalogue, layout, theme, config or log file that cannot be used.

    The message is one line that names the file and what is wrong with it.
    """
