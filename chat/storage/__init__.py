"""Storage: the only package that speaks SQL. Services use :class:`Database` and :class:`Store`."""

from chat.storage.database import Database, Store

__all__ = ["Database", "Store"]
