"""Sharing and removing resources. Each writing function commits and audits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from council.core.files import UploadError, accepted_kind
from council.core.i18n import gettext as _
from council.platform.audit import PlatformTag, record
from council.platform.database import db
from council.platform.guard import describe
from council.platform.guarding import record_refusal
from council.platform.models import PlatformUser
from council.platform.resources.checking import kinds_in
from council.platform.resources.content import FileText, UnreadableFile, read
from council.platform.resources.models import Resource, ResourceKind


class ResourceError(Exception):
    """The resource cannot be shared; the message says why. Nothing was written."""


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes


def listing(kind: str = "") -> list[Resource]:
    """Training first by date (upcoming before past), then documents newest first."""
    query = select(Resource)
    if kind:
        query = query.where(Resource.kind == kind)
    return list(db.session.scalars(query.order_by(Resource.kind.desc(), Resource.held_on.desc(),
                                                  Resource.created_at.desc())))


def may_remove(user: PlatformUser, resource: Resource) -> bool:
    return user.is_platform_admin or (user.organisation_id is not None
                                      and user.organisation_id == resource.organisation_id)


def share(*, actor: PlatformUser, kind: str, title: str, description: str, held_on: dt.date | None, link: str,
          upload: Upload | None) -> Resource:
    """Share a document or training announcement. Raises ResourceError for an unacceptable file."""
    if kind == ResourceKind.TRAINING and held_on is None:
        raise ResourceError(_("Give the day the training takes place."))
    resource = Resource(kind=kind, title=title.strip(), description=description.strip(), held_on=held_on,
                        link=link.strip(), organisation_id=actor.organisation_id, author_id=actor.id)
    if upload is not None:
        try:
            resource.file_type, _extension = accepted_kind(upload.content)
            _refuse_personal_content(read(upload.content, resource.file_type))
        except (UploadError, UnreadableFile) as error:
            raise ResourceError(str(error)) from None
        resource.file_name, resource.file_size, resource.file_content = \
            upload.name[:200], len(upload.content), upload.content
    db.session.add(resource)
    record(tag=PlatformTag.RESOURCE_SAVED, actor=actor, target=resource)
    db.session.commit()
    return resource


def _refuse_personal_content(found: FileText) -> None:
    """Raise ResourceError (after auditing the kinds found, never the text) when the file's text holds
    personal data. Nothing of the file has been added to the session, so the refusal writes only the audit
    event."""
    kinds = sorted(kinds_in(found.text, found.authors))
    if kinds:
        record_refusal(kinds, where="resource.file")
        raise ResourceError(" ".join([_("The file's content was not accepted:"),
                                      *(str(describe(kind)) for kind in kinds)]))


def remove(*, actor: PlatformUser, resource: Resource) -> None:
    record(tag=PlatformTag.RESOURCE_DELETED, actor=actor, target=resource)
    db.session.delete(resource)
    db.session.commit()
