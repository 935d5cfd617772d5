"""開示請求: the report a supervisor of a case's lead institution prepares for a data-subject request — the person's
case data and who accessed their case (by institution and role, when, on what basis) — to review and hand over."""
