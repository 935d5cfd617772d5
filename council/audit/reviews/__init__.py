"""The auditor's reviews (issue 12): what an auditor looks at first, marks as reviewed and explains.

- ``lists``: break-glass uses, shares on the emergency legal basis (緊急), refused attempts, and accounts an
  administrator created that read cases within a day.
- ``anomalies``: rules over the log in a bounded Japan-date range, each explained on its page.
- ``sampling``: N access events drawn at random, reproducibly from a seed, for manual review.
- ``daily``: what an access is, and each user's accesses per closed Japan day, counted once and kept (the volume
  rule's history and the sample's population).
- ``services``: the one review mechanism — an ``AuditReview`` row beside the event (the log stays append-only)
  and an audit event recording the review.

Everything here reads metadata only (ids, case numbers, tags, bases, times): never a case's content.
"""
