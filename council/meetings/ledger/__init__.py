"""Routes of the progress ledger (進行管理台帳): every council case's metadata, for the coordinator."""
