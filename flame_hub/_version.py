"""The single place the package version lives (read by hatchling and the User-Agent)."""

#: This package's version; every request's User-Agent carries it.
__version__ = "0.1.0"

#: The version as a tuple of integers (``(0, 1, 0)``), as flame-hub-client 0.5.5 exports it.
__version_info__ = tuple(int(part) for part in __version__.split(".") if part.isdigit())
