"""Tampering that used to leave `qms audit-log verify` green is now detected.

Each test is the tamper itself: raw SQL behind the application's back, and hashes
recomputed with the public function (``chain.legacy_hash``), as an intruder with write
access to the database but without the trail key would do.
"""
import json

import pytest

from qms.trail import chain, checkpoints
from qms.trail import service as trail
from qms.trail.cli import verify_command

from .helpers import all_fields, head_seq, raw, rewrite_from, write_entries


@pytest.fixture
def trail_with_checkpoint(users):
    """Twelve or so entries, a signed checkpoint at the head, then three more entries."""
    write_entries(users["quality"], 5)
    outcome = checkpoints.write()
    assert outcome.checkpoint["seq"] == head_seq()
    write_entries(users["quality"], 3)
    return outcome.checkpoint


def _verify_cli(app):
    return app.test_cli_runner().invoke(verify_command)


def test_a_sound_trail_verifies_against_its_checkpoint(app, trail_with_checkpoint):
    report = trail.verify_chain()
    assert report.ok, report.reason
    assert report.checkpoints == 1 and report.last_checkpoint["seq"] == trail_with_checkpoint["seq"]
    assert report.keyed == report.checked == head_seq()
    result = _verify_cli(app)
    assert result.exit_code == 0 and "íntegra" in result.output and "1 punto de control" in result.output


def test_tail_cut_and_head_moved_back_is_detected(app, trail_with_checkpoint):
    """Delete the last N rows and point trail_head at the new last entry: the chain itself
    is consistent, but the checkpoint says the trail was longer."""
    top = head_seq()
    cut_from = trail_with_checkpoint["seq"] - 1
    keep = next(e for e in all_fields() if e["seq"] == cut_from - 1)
    raw("DELETE FROM audit_entries WHERE seq >= :seq", seq=cut_from)
    raw("UPDATE trail_head SET last_seq = :seq, last_hash = :hash WHERE id = 1", seq=keep["seq"],
        hash=keep["entry_hash"])

    report = trail.verify_chain()
    assert not report.ok and report.broken_at == cut_from
    assert f"faltan las entradas {cut_from} a {trail_with_checkpoint['seq']}" in report.reason
    result = _verify_cli(app)
    assert result.exit_code == 1
    assert f"entrada {cut_from}" in result.output and f"{cut_from} a {trail_with_checkpoint['seq']}" in result.output
    assert top > trail_with_checkpoint["seq"]  # the entries after the checkpoint were cut as well


def test_every_row_and_the_head_deleted_is_detected(app, trail_with_checkpoint):
    """"Bitácora íntegra: 0 entradas" is no longer possible once a checkpoint exists."""
    raw("DELETE FROM audit_entries")
    raw("DELETE FROM trail_head")
    report = trail.verify_chain()
    assert not report.ok and report.broken_at == 1
    assert f"faltan las entradas 1 a {trail_with_checkpoint['seq']}" in report.reason
    result = _verify_cli(app)
    assert result.exit_code == 1 and "0 entradas válidas" in result.output


def test_head_deleted_while_entries_remain_is_detected(app, users):
    write_entries(users["quality"], 3)  # no checkpoint at all
    raw("DELETE FROM trail_head")
    report = trail.verify_chain()
    assert not report.ok and "falta la cabeza" in report.reason
    assert _verify_cli(app).exit_code == 1


def test_head_deleted_with_only_checkpoints_left_is_detected(app, trail_with_checkpoint):
    raw("DELETE FROM trail_head")
    report = trail.verify_chain()
    assert not report.ok and "falta la cabeza" in report.reason


def test_row_rewritten_and_chain_recomputed_with_the_public_hash_is_named(app, trail_with_checkpoint):
    """Alter an entry after the checkpoint and recompute every later link with the public
    SHA-256: without the key the HMAC of the rewritten entry cannot be produced."""
    target = trail_with_checkpoint["seq"] + 1
    rewrite_from(target, lambda entry: entry.update(object_label="falsificado"))
    report = trail.verify_chain()
    assert not report.ok and report.broken_at == target and "alterado" in report.reason
    result = _verify_cli(app)
    assert result.exit_code == 1 and f"entrada {target}" in result.output


def test_tail_relabelled_as_legacy_and_recomputed_is_named(app, trail_with_checkpoint):
    """The intruder also marks the rewritten entries as version 1 (public hash): a version-1
    entry after keyed ones is a rewrite."""
    target = trail_with_checkpoint["seq"] + 1
    rewrite_from(target, lambda entry: entry.update(object_label="falsificado"), version=chain.LEGACY)
    report = trail.verify_chain()
    assert not report.ok and report.broken_at == target and "hash público" in report.reason


def test_whole_chain_relabelled_as_legacy_is_caught_by_the_checkpoint(app, trail_with_checkpoint):
    """Rewriting from the first entry as a pure legacy chain is consistent in itself; the
    signed checkpoint outside the database does not match it."""
    rewrite_from(1, lambda entry: entry.update(object_label="falsificado"), version=chain.LEGACY)
    report = trail.verify_chain()
    assert not report.ok and report.broken_at == trail_with_checkpoint["seq"]
    assert "punto de control" in report.reason


def test_a_forged_checkpoint_is_rejected(app, trail_with_checkpoint):
    forged = {**trail_with_checkpoint, "seq": trail_with_checkpoint["seq"] + 100, "mac": "0" * 64}
    with open(checkpoints.log_path(), "a", encoding="utf-8") as handle:
        handle.write(json.dumps(forged) + "\n")
    report = trail.verify_chain()
    assert not report.ok and report.broken_at == 0 and "firma inválida" in report.reason
    result = _verify_cli(app)
    assert result.exit_code == 1 and "Puntos de control" in result.output


def test_a_checkpoint_is_refused_when_the_trail_does_not_verify(app, trail_with_checkpoint):
    target = trail_with_checkpoint["seq"] + 2
    rewrite_from(target, lambda entry: entry.update(object_label="falsificado"))
    with pytest.raises(checkpoints.CheckpointRefused, match=f"entrada {target}"):
        checkpoints.write()
    assert checkpoints.last()["seq"] == trail_with_checkpoint["seq"]


def test_a_checkpoint_is_refused_when_the_head_moved_back(app, trail_with_checkpoint):
    keep = next(e for e in all_fields() if e["seq"] == trail_with_checkpoint["seq"] - 2)
    raw("DELETE FROM audit_entries WHERE seq > :seq", seq=keep["seq"])
    raw("UPDATE trail_head SET last_seq = :seq, last_hash = :hash WHERE id = 1", seq=keep["seq"],
        hash=keep["entry_hash"])
    with pytest.raises(checkpoints.CheckpointRefused, match="falta"):
        checkpoints.write()
