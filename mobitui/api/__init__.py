"""The async client: the only code in mobitui that speaks HTTP."""
