"""How a Hub record is declared: field markers, ``ResourceMeta``, the derived schema, envelopes, payloads.

The machinery every other layer reads; the Hub's resources themselves are declared on top of it, in
:mod:`flame_hub.models`, where they also get their ORM manager.
"""
