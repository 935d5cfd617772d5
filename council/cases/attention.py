"""What in the cases needs a caseworker's attention: the cases' provider for the home page's inbox.

Counts, each linking to the case list filtered to exactly those cases (the same filter counts them), so the
home page names no case and reads no content; the list records what it shows.
"""

from __future__ import annotations

from flask import url_for

from council.cases.services import CaseFilter, count_cases
from council.core.i18n import ngettext
from council.inbox.registry import InboxItem

#: Days without contact after which an open case is brought up: one of the list's own filters (14/30/60/90),
#: so that the link shows exactly the cases counted.
NO_CONTACT_DAYS = 30


def attention_items(user) -> list[InboxItem]:
    """Open cases ``user`` may see whose review date has passed (Japan's today), and open cases with no contact
    for ``NO_CONTACT_DAYS`` days or more; nothing for a count of zero."""
    items = []
    overdue = count_cases(actor=user, case_filter=CaseFilter(review_overdue=True))
    if overdue:
        items.append(InboxItem(
            kind="cases.overdue_review", url=url_for("cases.list", overdue="y"), count=overdue,
            text=ngettext("%(num)d case has an overdue review", "%(num)d cases have an overdue review", overdue)))
    quiet = count_cases(actor=user, case_filter=CaseFilter(min_days_since_contact=NO_CONTACT_DAYS, open_only=True))
    if quiet:
        items.append(InboxItem(
            kind="cases.no_contact", url=url_for("cases.list", days=NO_CONTACT_DAYS, open_only="y"), count=quiet,
            text=ngettext("%(num)d open case has had no contact for %(days)d days or more",
                          "%(num)d open cases have had no contact for %(days)d days or more", quiet,
                          days=NO_CONTACT_DAYS)))
    return items
