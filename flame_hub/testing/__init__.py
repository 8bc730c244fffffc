"""Test support: FakeHub, the in-memory emulator of the Hub's HTTP API, and its pytest fixtures."""
