"""A Redis cache that degrades instead of failing: with Redis down, every read is a miss.

The site keeps serving from the database when Redis restarts or goes away; each failure is logged.
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _degrading(method_name: str, fallback):
    parent = getattr(RedisCache, method_name)

    def method(self, *args, **kwargs):
        try:
            return parent(self, *args, **kwargs)
        except RedisError as error:
            logger.warning("Cache unavailable (%s in %s): serving without it", error.__class__.__name__, method_name)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = method_name
    return method


def _default_of_get(key, default=None, version=None):
    return default


class DegradingRedisCache(RedisCache):
    get = _degrading("get", _default_of_get)
    get_many = _degrading("get_many", {})
    set = _degrading("set", None)
    set_many = _degrading("set_many", lambda data, *a, **k: list(data))
    add = _degrading("add", False)
    touch = _degrading("touch", False)
    delete = _degrading("delete", False)
    delete_many = _degrading("delete_many", None)
    has_key = _degrading("has_key", False)
    clear = _degrading("clear", False)
