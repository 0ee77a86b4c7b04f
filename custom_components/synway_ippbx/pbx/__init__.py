"""The PBX as the integration knows it, with no Home Assistant in it.

The store (extensions, trunks, queues and calls as last seen), the call tracker, and what
one report means (its facts row, its happening, its Activity words). Home Assistant's side
(entities, bus events, registries) reads these; tests/test_pbx_package.py keeps Home
Assistant out.
"""
