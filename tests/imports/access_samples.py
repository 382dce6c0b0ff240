"""URL values the route × role matrix needs for the import wizard."""


def make_samples(users, document):
    # An unknown staged import: a 404 for the committee, a 403 for everyone else.
    return {"token": "0" * 32}
