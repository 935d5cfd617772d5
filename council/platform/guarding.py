"""The PII guard applied to forms: every free-text field of every platform form passes it before anything is
stored, unless the form names the field as not free text. The fields are checked one by one and read together
(``check_fields``: a phone number split between the title and the body is refused in both). Refused text is
only shown back to its writer (highlighted), never stored or logged; the refusal is audited with the kinds
found, not the text."""

from __future__ import annotations

from typing import ClassVar

from flask import g
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import StringField

from council.core.forms import Form
from council.core.i18n import lazy_gettext as _l
from council.platform.audit import PlatformTag, record
from council.platform.database import db
from council.platform.guard import JOINT, check_fields, describe, segments
from council.platform.own_contact import OwnContact
from council.security.auditchain import Outcome

#: Shown beside the highlighted part when the guard found it only by reading the form's fields together.
SPLIT_OVER_FIELDS = _l("Read together with the form's other fields, this part completes personal data that is "
                       "split between them.")


class GuardedForm(Form):
    """A platform form. Its text fields and uploaded file names are checked by the PII guard in validate()."""

    #: Fields that are an organisation's public contact: its phone, e-mail, address and contact person are
    #: allowed there (the guard's contact rules); nothing else is.
    contact_fields: ClassVar[tuple[str, ...]] = ()
    #: Fields that hold a staff member's own name: a name is allowed there, nothing else personal is.
    name_fields: ClassVar[tuple[str, ...]] = ()
    #: Fields that are not free text about anyone (login names, restricted to ASCII letters and digits).
    unguarded_fields: ClassVar[tuple[str, ...]] = ()

    def guarded_texts(self):
        """(field, text) for every field the guard must read."""
        for field in self:
            if field.name in self.unguarded_fields or field.name == "csrf_token":
                continue
            if isinstance(field, FileField):
                name = getattr(field.data, "filename", None)
                if name:
                    yield field, name
            elif isinstance(field, StringField) and field.data:
                yield field, field.data

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        #: Kinds of personal data found, for the audit event; empty when nothing was refused.
        self.refused_kinds: set[str] = set()
        own = writers_contact()
        # Fields already invalid (too long…) are refused anyway, and never fed to the slower detectors.
        readable = [(field, text) for field, text in self.guarded_texts() if not field.errors]
        found = check_fields({field.name: text for field, text in readable}, contact=self.contact_fields,
                             names=self.name_fields)
        for field, text in readable:
            # The writer's own organisation's registered contact may appear in what its staff write.
            findings = [finding for finding in found[field.name] if not own.allows(text, finding)]
            if not findings:
                continue
            kinds = sorted({finding.kind for finding in findings})
            field.errors = [*field.errors, *(describe(kind) for kind in kinds)]
            if any(finding.detector.startswith(JOINT) for finding in findings):
                field.errors.append(SPLIT_OVER_FIELDS)
            field.pii_segments = segments(text, findings)
            self.refused_kinds.update(kinds)
        return valid and not self.refused_kinds


def writers_contact() -> OwnContact:
    """The registered public contact of the signed-in writer's organisation (read once per request): its phone
    numbers, e-mail and address may appear in what its staff write; nobody's else. Empty for anyone without an
    organisation (platform administrators, applicants)."""
    if "platform_own_contact" not in g:
        from council.platform.organisations.models import Organisation

        organisation = db.session.get(Organisation, current_user.organisation_id) \
            if current_user.is_authenticated and current_user.organisation_id else None
        g.platform_own_contact = OwnContact.of(organisation.public_contact) \
            if organisation is not None and organisation.is_member else OwnContact()
    return g.platform_own_contact


def accepted(form: GuardedForm, *, where: str) -> bool:
    """Whether ``form`` was submitted and is valid. When the guard refused some of its text, record that (the
    form's name and the kinds found) in the platform's audit chain and commit."""
    if not form.is_submitted():
        return False
    valid = form.validate()
    if form.refused_kinds:
        record_refusal(form.refused_kinds, where=where)
    return valid


def record_refusal(kinds, *, where: str) -> None:
    """Audit that the guard refused text at ``where``: the kinds found, never the text. Discards anything
    pending and commits."""
    db.session.rollback()
    record(tag=PlatformTag.TEXT_REFUSED, actor=current_user if current_user.is_authenticated else None,
           target_type="form", target_id=where, outcome=Outcome.DENIED, reason=",".join(sorted(kinds)))
    db.session.commit()
