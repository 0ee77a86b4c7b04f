"""The reports the PBX pushes: their types (types.py) and how a body becomes one (parser.py)."""
