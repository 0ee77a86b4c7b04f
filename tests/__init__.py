"""Tests of the Synway IPPBX integration, its client and its simulator."""
