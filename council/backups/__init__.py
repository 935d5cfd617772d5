"""Backups: one encrypted, signed file holding both databases and the instance's keys (key-encryption keys only
when asked), made with the databases' own tools, verifiable without restoring, restorable into an empty instance."""
