"""An organisation's own public contact may appear in what its staff write (issue 14).

An event's 参加方法 says 「申込みは事務局（0436-12-3456）まで」: that number is the organisation's registered public
contact, already public in the directory and checked under the contact rules when it was registered, so it is
no one's personal data. Any other number, address or e-mail is still refused, another organisation's included:
only the writer's own organisation's registered values are allowed, compared after normalising (the digits of a
phone number; an e-mail or address without spaces, case folded), never by a looser similarity.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from council.platform.guard import Finding, check

#: Kinds of finding an organisation's public contact may lift. A contact person's name is not among them: the
#: name rules of staff fields apply to names.
LIFTED_KINDS = frozenset({"phone", "email", "address"})


def _key(kind: str, span: str) -> str:
    text = unicodedata.normalize("NFKC", span)
    if kind == "phone":
        return re.sub(r"\D", "", text)
    return re.sub(r"\s+", "", text).casefold()


@dataclass(frozen=True)
class OwnContact:
    """The phone numbers, e-mail addresses and postal addresses of one organisation's public contact."""

    values: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def of(cls, public_contact: str) -> OwnContact:
        """Read the values out of the registered contact text with the guard's own detectors."""
        return cls(frozenset((finding.kind, _key(finding.kind, public_contact[finding.start:finding.end]))
                             for finding in check(public_contact) if finding.kind in LIFTED_KINDS))

    def allows(self, text: str, finding: Finding) -> bool:
        """Whether ``finding`` in ``text`` is exactly one of these values."""
        return finding.kind in LIFTED_KINDS and (finding.kind, _key(finding.kind, text[finding.start:finding.end])) \
            in self.values
