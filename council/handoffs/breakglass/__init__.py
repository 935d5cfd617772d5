"""緊急アクセス (break-glass): opening a case outside one's grants, with a stated reason, for a few hours.

A caseworker or supervisor who must act now — a life or body at risk, a person gone missing — names the case (by
its number, or through the duplicate check at intake), says what is at risk and why, and gets a user grant of
scope ``full`` (basis ``break_glass:<id>``, legal basis 緊急) that expires by itself after ``BREAK_GLASS_HOURS``.
Every read under it carries that basis in the audit log; the lead institution's supervisors and the council's
auditors are told, and the auditors review each use (``review``).
"""
