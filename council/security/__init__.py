"""Neutral security mechanisms (passwords, TOTP, sessions, audit chain); they hold no data of either side."""
