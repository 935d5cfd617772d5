"""What needs the user's attention, gathered on the home page from providers that features register.

A feature registers a provider with ``council.inbox.registry.inbox_provider`` on its blueprint; the home page
asks ``items_for(user)``. The inbox imports no feature, and features import only the registry, so a new
feature (handoffs, meetings) adds its items without the home page or ``cases`` knowing it.
"""
