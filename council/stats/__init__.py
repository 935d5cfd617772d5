"""Aggregate statistics of a council's cases, for the platform: counted, small cells suppressed, signed.

The only thing that crosses from the council to the platform (DESIGN §2). The file format and its checks
are in the neutral ``council.core.signedstats``; this package counts, suppresses and signs.
"""
