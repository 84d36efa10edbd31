"""Guards of the whole Python test run."""

from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True, scope="session")
def no_stray_events_file_at_the_repository_root():
    """No test (and nothing a test runs) leaves an events.jsonl at the repository root: events go to
    the job's bundle, and outside a job nowhere (deepforge.events)."""
    stray = REPOSITORY / "events.jsonl"
    existed = stray.exists()
    yield
    assert existed or not stray.exists(), "the test run created %s; events belong in the job's bundle" % stray
