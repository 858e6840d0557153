import httpx

DEFAULT_TIMEOUT = 30.0
DEFAULT_POOL = httpx.Limits(max_connections=64, max_keepalive_connections=8)
FIRST_BACKOFF = 0.2
LAST_BACKOFF = 8.0
