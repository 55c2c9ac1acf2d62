"""The three bulk dialogs (procedures A, B, E) and what they share."""
