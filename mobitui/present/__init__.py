"""Words for the user, shared by the TUI and the CLI: sentences, tables, sheets, errors."""
