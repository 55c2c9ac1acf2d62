"""Files on disk: where they live, profiles, tokens, journal, audit log, checklists."""
