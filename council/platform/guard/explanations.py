"""Why each kind is refused, for the form that shows the highlighted text (English msgids, translated)."""

from __future__ import annotations

from council.core.i18n import lazy_gettext as _l

_EXPLANATIONS = {
    "phone": _l("This looks like a phone number. The platform holds no personal contact details: "
                "put your organisation's public number in its contact field instead."),
    "email": _l("This looks like an e-mail address. The platform holds no personal contact details: "
                "put your organisation's public address in its contact field instead."),
    "messenger_id": _l("This looks like a personal ID on LINE or another messenger. It reaches one person as surely "
                        "as a phone number: give your organisation's official account in its contact field instead."),
    "my_number": _l("This looks like an Individual Number (My Number). It must never be written on the platform."),
    "address": _l("This looks like a street address or postal code. Name the area (city, district) "
                  "rather than a block number; your organisation's address belongs in its contact field."),
    "birth_date": _l("This looks like a date of birth or the age of a particular person. "
                     "Describe who an activity is for (e.g. 65 and over) rather than a person's age."),
    "honorific_name": _l("This looks like a person's name. Do not name the people you support or meet; "
                         "write about roles instead (a participant, a volunteer)."),
    "person_name": _l("This may be a person's name. Do not name the people you support or meet; "
                      "write about roles instead (a participant, a volunteer)."),
    "narrative": _l("This reads like an account of a particular person's circumstances. Case details belong "
                    "only in the council's case records, never on the platform."),
}


def describe(kind: str):
    """The translatable explanation of why ``kind`` is refused (a lazy string: render it in a request)."""
    try:
        return _EXPLANATIONS[kind]
    except KeyError:
        raise ValueError(f"unknown finding kind: {kind!r}") from None
