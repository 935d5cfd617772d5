"""The council's aggregate statistics on the platform: verified imports and the dashboard that shows them.

Files come from `council stats export` and are accepted only when signed by the configured council key and
shaped exactly as ``council.core.signedstats`` describes: counts, never people.
"""
