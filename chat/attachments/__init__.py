"""File attachments: inspect, clean, name and store patient uploads. No HTTP, no database."""

from chat.attachments.cleaning import CleanedFile, clean_file, make_thumbnail
from chat.attachments.filenames import clean_filename, content_disposition
from chat.attachments.inspection import InspectedFile, inspect_file
from chat.attachments.limits import AttachmentLimits, check_message_files
from chat.attachments.reasons import Reason
from chat.attachments.sniffing import MIME, sniff_kind
from chat.attachments.storage import BlobStore, LocalBlobStore, check_key
from chat.attachments.streaming import iter_chunks, receive_to_file

__all__ = [
    "MIME",
    "AttachmentLimits",
    "BlobStore",
    "CleanedFile",
    "InspectedFile",
    "LocalBlobStore",
    "Reason",
    "check_key",
    "check_message_files",
    "clean_file",
    "clean_filename",
    "content_disposition",
    "inspect_file",
    "iter_chunks",
    "make_thumbnail",
    "receive_to_file",
    "sniff_kind",
]
