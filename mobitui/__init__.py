"""mobitui: a keyboard-driven terminal UI for retiring devices in the mobiconnect MDM service."""

__version__ = "0.1.0"
