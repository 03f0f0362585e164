"""Print the OpenAPI document the server serves at /api/v1/openapi.json, without starting it.

``python -m server.api.openapi_dump [FILE]``; scripts/api-types.sh turns it into
web_client/src/api.gen.ts.
"""

from __future__ import annotations

import json
import sys

from server import __version__
from server.api import build_api
from server.api.registry import openapi_document


def document_json() -> str:
    return json.dumps(openapi_document(build_api(), __version__), indent=2, ensure_ascii=False)


def main(argv: list[str]) -> int:
    text = document_json() + "\n"
    if argv:
        with open(argv[0], "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
