"""Password hashing, security headers and redirect checks."""
