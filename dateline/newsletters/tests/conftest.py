import pytest


@pytest.fixture(autouse=True)
def _fresh_sign_up_counts():
    """Sign-ups are counted per client address in the cache, and every test client comes
    from 127.0.0.1."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
