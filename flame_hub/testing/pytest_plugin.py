"""pytest fixtures for FakeHub (registered through the ``pytest11`` entry point)."""
