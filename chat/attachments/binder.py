"""Bind uploads to a message inside the send transaction, and show them in history."""

from __future__ import annotations

import uuid
from collections import defaultdict

from chat import access
from chat.attachments.limits import AttachmentLimits, check_message_files
from chat.attachments.reasons import Reason, rejection
from chat.attachments.records import DEFAULT_URL_PREFIX, attachment_view
from chat.errors import ErrorCode, NaraError, not_found
from chat.models import Message
from chat.service import AttachmentBinder, Caller, NewMessage
from chat.storage import Store
from chat.views import AttachmentView, MessageView


class StoredAttachmentBinder(AttachmentBinder):
    def __init__(self, limits: AttachmentLimits, url_prefix: str = DEFAULT_URL_PREFIX) -> None:
        self.limits = limits
        self.url_prefix = url_prefix

    async def bind(
        self, store: Store, caller: Caller, message: Message, new: NewMessage
    ) -> list[AttachmentView]:
        """Raise, and so roll the whole send back, unless every id can be bound."""
        ids = list(new.attachment_ids)
        if len(ids) > self.limits.max_files:
            raise rejection(
                Reason.TOO_MANY_FILES, f"A message can have at most {self.limits.max_files} files."
            )
        if len(set(ids)) != len(ids):
            raise NaraError(
                ErrorCode.VALIDATION_FAILED,
                "the same attachment is listed twice",
                reason="duplicate_attachment",
            )
        scope = await store.threads.scope(message.thread_id)
        if scope is None:
            raise not_found("thread")
        access.require_attach(caller.actor, scope)
        bound = await store.attachments.bind(
            ids,
            message_id=message.id,
            uploader_id=caller.actor.user_id,
            thread_id=message.thread_id,
            at=message.created_at,
        )
        if bound != len(ids):
            # Unknown, someone else's, another thread's, already used or purged: one answer.
            raise NaraError(
                ErrorCode.VALIDATION_FAILED,
                "an attachment is unknown or already used; upload it again",
                reason="attachment_unavailable",
            )
        rows = await store.attachments.for_messages([message.id])
        check_message_files([r.size for r in rows], self.limits)
        return [attachment_view(r, self.url_prefix) for r in rows]

    async def decorate(self, store: Store, views: list[MessageView]) -> None:
        rows = await store.attachments.for_messages([v.id for v in views])
        by_message: dict[uuid.UUID, list[AttachmentView]] = defaultdict(list)
        for row in rows:
            assert row.message_id is not None
            by_message[row.message_id].append(attachment_view(row, self.url_prefix))
        for view in views:
            view.attachments = by_message.get(view.id, [])
