"""Routes of a meeting's record: attendance, the decisions on each agenda item, and the minutes
 with their signed audit checkpoint."""
