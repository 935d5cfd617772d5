"""Handoffs between institutions: referral, transfer, information requests and break-glass (DESIGN.md §3)."""
