"""Backup and restore of a whole instance: ``qms backup`` and ``qms restore``."""
