"""The reference server: implements the management API contract and simulates a fleet."""
