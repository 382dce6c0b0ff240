"""Administration screens for people and roles."""
