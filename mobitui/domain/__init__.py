"""The pure domain layer: models, rules and the documented procedures. No I/O here."""
