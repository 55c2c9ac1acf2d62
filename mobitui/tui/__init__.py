"""The Textual user interface: shows and asks, never speaks HTTP itself."""
