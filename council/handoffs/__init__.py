"""Handing cases between the council's institutions (DESIGN §3): つなぎ (referral), 移管 (transfer) and the requests
for either; information requests (``handoffs.requests``) and break-glass (``handoffs.breakglass``). Every share a
handoff makes is a grant (``access.grants``) whose basis names the handoff."""
