"""Handoffs between institutions (DESIGN §3): referral, transfer, information requests, break-glass."""
