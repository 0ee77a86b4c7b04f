"""Tests of the PBX client (custom_components/synway_ippbx/api)."""
