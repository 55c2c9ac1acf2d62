"""Widgets of the main screen: the device grid, the group tree, the status line."""
