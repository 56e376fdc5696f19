"""Pure Python domain logic: no database, no user interface."""
