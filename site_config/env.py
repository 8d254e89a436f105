"""Read configuration from environment variables, with errors that name the variable."""

import os
from urllib.parse import parse_qsl, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def cache_from_url(url: str, *, key_prefix: str = "") -> dict:
    """Turn CACHE_URL/REDIS_URL into a CACHES entry.

    Supported: redis:// and rediss:// (Django's RedisCache, degrading when Redis is down: site_config/cache.py), locmem://,
    dummy://, file:///absolute/path. Query parameters become OPTIONS for Redis.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    config: dict = {"KEY_PREFIX": key_prefix}
    if scheme in {"redis", "rediss"}:
        query = dict(parse_qsl(parts.query))
        location = url.split("?", 1)[0]
        config |= {"BACKEND": "site_config.cache.DegradingRedisCache", "LOCATION": location}
        if query:
            config["OPTIONS"] = query
    elif scheme == "locmem":
        config |= {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": parts.netloc or "default"}
    elif scheme == "dummy":
        config |= {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    elif scheme == "file":
        if not parts.path:
            raise ImproperlyConfigured(f"CACHE_URL={url!r} needs a directory: file:///var/cache/site")
        config |= {"BACKEND": "site_config.cache.FileCache", "LOCATION": parts.path}
    else:
        raise ImproperlyConfigured(
            f"CACHE_URL={url!r}: unsupported scheme {scheme!r}; use redis://, rediss://, locmem://, dummy:// or file://."
        )
    return config
