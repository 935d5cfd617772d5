"""The documents corpus as real files: ordinary flyers, training material and 分科会 minutes pass as PDF,
Word and Excel; rosters, sign-in sheets and notes that hold personal data are refused in every format.
(The figures, with timings, come from bench/pii_documents.py; see docs/pii-guard.md, "Files".)"""

import pytest

from council.platform.resources.checking import kinds_in
from council.platform.resources.content import text_of
from tests.document_files import as_files, corpus


@pytest.mark.parametrize("path", corpus("pass"), ids=lambda path: path.stem)
def test_ordinary_documents_pass_in_every_format(path):
    for kind, (content, content_type) in as_files(path.read_text(encoding="utf-8")).items():
        assert kinds_in(text_of(content, content_type)) == set(), kind


@pytest.mark.parametrize("path", corpus("refuse"), ids=lambda path: path.stem)
def test_documents_with_personal_data_are_refused_in_every_format(path):
    for kind, (content, content_type) in as_files(path.read_text(encoding="utf-8")).items():
        assert kinds_in(text_of(content, content_type)), kind
