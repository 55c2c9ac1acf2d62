"""Headless commands: the TUI's operations for scripts (groups, devices, requests, inactivate,
force-inactivate, delete, resume, checklist export)."""
