"""How an attachment row is shown to clients (REST, Socket.IO and message history alike)."""

from __future__ import annotations

from typing import Any

from chat.models import Attachment
from chat.views import AttachmentView

# Where the HTTP layer serves attachments; the server passes its own prefix.
DEFAULT_URL_PREFIX = "/api/v1/attachments"


def attachment_dict(row: Attachment, url_prefix: str = DEFAULT_URL_PREFIX) -> dict[str, Any]:
    """Only ids in URLs: the stored file is found by id, never by a client-chosen path."""
    url = f"{url_prefix}/{row.id}"
    return {
        "id": str(row.id),
        "name": row.name,
        "mime": row.mime,
        "kind": row.kind,
        "size": row.size,
        "width": row.width,
        "height": row.height,
        "url": url,
        "thumbnail_url": f"{url}/thumbnail" if row.thumb_sha256 else None,
    }


def attachment_view(row: Attachment, url_prefix: str = DEFAULT_URL_PREFIX) -> AttachmentView:
    return AttachmentView.model_validate(attachment_dict(row, url_prefix))
