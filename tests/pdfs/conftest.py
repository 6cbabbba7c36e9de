"""A signed-in accountant with an active connection to a fresh sandbox account (the `small` seed)."""
