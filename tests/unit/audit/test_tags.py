"""Audit tags are namespaced ``source:subject:action`` and unique within each chain's catalogue."""

import re

import pytest

from council.audit.tags import COUNCIL_TAGS, AuditTag
from council.platform.tags import PLATFORM_TAGS, PlatformTag
from council.security.signin import AccountEvent

TAG = re.compile(r"^[a-z_]+:[a-z_]+:[a-z_]+$")


@pytest.mark.parametrize("catalogue", [COUNCIL_TAGS, PLATFORM_TAGS], ids=["council", "platform"])
def test_every_tag_is_source_subject_action(catalogue):
    assert [str(tag) for tag in catalogue if not TAG.match(tag)] == []


@pytest.mark.parametrize("catalogue", [COUNCIL_TAGS, PLATFORM_TAGS], ids=["council", "platform"])
def test_tag_values_are_unique_within_a_chain(catalogue):
    values = [str(tag) for tag in catalogue]
    assert sorted(v for v in set(values) if values.count(v) > 1) == []


def test_catalogues_hold_every_tag_of_their_side():
    assert set(COUNCIL_TAGS) == set(AuditTag) | set(AccountEvent)
    assert set(PLATFORM_TAGS) == set(PlatformTag) | set(AccountEvent)


def test_the_auditor_can_filter_a_whole_namespace():
    """The log filters by prefix: everything about cases starts with ``case:``, support records ``case:record:``."""
    assert all(tag.startswith("case:record:") for tag in (AuditTag.RECORD_CREATED, AuditTag.RECORD_EDITED,
                                                          AuditTag.RECORD_DELETED))
    assert all(tag.startswith("account:") for tag in AccountEvent)
    assert all(tag.startswith("platform:") for tag in PlatformTag)


def test_code_written_against_the_old_import_paths_keeps_working():
    from council.audit.events import AuditTag as FromEvents
    from council.platform.audit import PlatformTag as FromPlatformAudit

    assert FromEvents is AuditTag and FromPlatformAudit is PlatformTag
