"""flame-hub: the Python client for the FLAME Hub."""

from flame_hub._version import __version__

__all__ = ["__version__"]
