"""Custom integrations of this repository (HACS installs custom_components/synway_ippbx)."""
