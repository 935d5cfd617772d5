"""The platform's PII guard: every free-text field passes ``check`` before anything is stored.

    findings = check(text)                 # [] means the text may be stored
    findings = check(text, contact=True)   # an organisation's public contact field
    findings = check_document(text)        # the text of an uploaded file (no NER: too slow for documents)
    describe(finding.kind)                 # why it is refused (translatable)
    segments(text, findings)               # the text in pieces, for highlighting

Importing this package is cheap: the morphological dictionary and the NER model load on first use.
"""

from council.platform.guard.detection import check, check_document
from council.platform.guard.explanations import describe
from council.platform.guard.findings import KINDS, Finding, segments

__all__ = ["KINDS", "Finding", "check", "check_document", "describe", "segments"]
