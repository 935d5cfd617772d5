"""The council's audit trail: events, verification, and the auditor's workspace."""
