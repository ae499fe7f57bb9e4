"""Throttle tablet code attempts: six digits must not be guessable."""

from django.core.cache import cache

ATTEMPTS_PER_WINDOW = 10
WINDOW_SECONDS = 10 * 60


def tablet_code_allowed(request) -> bool:
    key = f"tablet-code:{request.META.get('REMOTE_ADDR', '')}"
    attempts = cache.get_or_set(key, 0, WINDOW_SECONDS)
    if attempts >= ATTEMPTS_PER_WINDOW:
        return False
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, WINDOW_SECONDS)
    return True
