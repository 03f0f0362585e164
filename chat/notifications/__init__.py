"""Notifications outside the service (e-mail, SMS, Web Push), promised answer times and
escalation. Models: ``models``; the rules in the send transaction: ``followup``; delivery:
``worker`` and ``channels``; the user's settings: ``preferences``; see README "Notifications".
"""
