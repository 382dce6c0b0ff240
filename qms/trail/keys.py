"""The trail key of the running application (``QMS_TRAIL_KEY`` or ``instance/trail_key``)."""
from __future__ import annotations

from flask import current_app

from qms.trail.chain import key_bytes


def current_key() -> bytes:
    """Return the key the chain and its checkpoints are signed with (see ``qms.config``)."""
    return key_bytes(current_app.config["TRAIL_KEY"])
