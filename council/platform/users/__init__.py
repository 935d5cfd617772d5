"""Platform administrators manage the platform's accounts: list them, give a new setup link, disable or enable
an account, end its sessions. Audited in the platform's chain."""
