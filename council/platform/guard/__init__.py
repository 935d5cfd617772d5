"""The platform's PII guard: every free-text field passes ``check`` before anything is stored.

    findings = check(text)                 # [] means the text may be stored
    findings = check(text, contact=True)   # an organisation's public contact field
    findings = check_document(text)        # the text of an uploaded file (no NER: too slow for documents)
    by_field = check_fields({"title": t, "body": b}, contact=(), names=())  # one form's fields, alone and together
    describe(finding.kind)                 # why it is refused (translatable)
    segments(text, findings)               # the text in pieces, for highlighting

Importing this package is cheap: the morphological dictionary and the NER model load on first use.
"""

from council.platform.guard.detection import JOINT, check, check_document, check_fields
from council.platform.guard.explanations import describe
from council.platform.guard.findings import KINDS, Finding, segments

__all__ = ["JOINT", "KINDS", "Finding", "check", "check_document", "check_fields", "describe", "segments"]
