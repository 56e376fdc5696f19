"""Use cases: each takes a Session (or a Database) and performs one user action."""
