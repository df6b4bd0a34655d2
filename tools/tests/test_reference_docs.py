"""The reference pages say what the code says (regenerate: python -m tools.reference_docs)."""

import pytest

from tools.reference_docs import PAGES, ROOT


@pytest.mark.parametrize("path", sorted(PAGES))
def test_reference_page_is_up_to_date(path):
    assert (ROOT / path).read_text() == PAGES[path]() + "\n", "run python -m tools.reference_docs"
