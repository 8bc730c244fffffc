"""The single place the package version lives (read by hatchling and the User-Agent)."""

#: This package's version; every request's User-Agent carries it.
__version__ = "0.1.0"
