"""The floor of a page-cache hit under granian's RSGI interface: an application that answers
every request with the same bytes and headers at once, no Python of ours around it. What
granian, the event loop and the hand-off between their threads cost per request, beside
`dateline serve` and nginx serving the same bytes (bench/README.md, "Where a hit's CPU goes").

    curl -s -D /tmp/floor/headers -o /tmp/floor/body http://127.0.0.1:8000/story/<slug>/
    FLOOR_DIR=/tmp/floor PYTHONPATH=bench .venv/bin/python -m granian --interface rsgi \\
        --workers 2 --runtime-mode st --loop uvloop --no-ws --port 8001 rsgi_floor:application
"""

import os
from pathlib import Path

_DIR = Path(os.environ.get("FLOOR_DIR", "/tmp/floor"))
_BODY = (_DIR / "body").read_bytes()
# The headers curl saved, less the ones granian adds itself.
_HEADERS = [
    tuple(line.split(": ", 1))
    for line in (_DIR / "headers").read_bytes().decode("latin-1").split("\r\n")[1:]
    if ": " in line and line.split(":", 1)[0].lower() not in ("server", "date")
]


async def application(scope, protocol):
    protocol.response_bytes(200, _HEADERS, _BODY)
