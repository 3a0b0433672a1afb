"""``python -m plannerist.probe PG_URL REDIS_URL``: exit 0 when both services answer."""

from __future__ import annotations

import socket
import sys
from urllib.parse import urlsplit


def reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), 2):
            return True
    except OSError:
        return False


if __name__ == "__main__":
    pg, redis = sys.argv[1], sys.argv[2]
    sys.exit(0 if reachable(pg, 5432) and reachable(redis, 6379) else 1)
