"""Cases (ケース): persons, support records, plans, consent and attachments — every personal value encrypted."""
