"""Nära server: wires chat/, signaling/ and nlp/ into one aiohttp application."""

__version__ = "0.1.0"
