"""Tests of the Synway IPPBX simulator."""
