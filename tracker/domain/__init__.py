"""Pure rules: no Flask, no database. Unit-tested without an app."""
