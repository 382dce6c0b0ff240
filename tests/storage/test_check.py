"""``qms storage check``: a flipped byte, a missing file and an orphan are found (exit 1)."""
import json
import os

import pytest

from qms.extensions import db
from qms.storage import store
from qms.storage.check import check
from qms.storage.cli import storage_group


@pytest.fixture
def stored(app):
    rows = [store.put(f"contenido {i}".encode(), "text/plain") for i in range(5)]
    db.session.commit()
    return [r.sha256 for r in rows]


def _run(app, *args):
    return app.test_cli_runner().invoke(storage_group, ["check", *args])


def test_a_healthy_store_passes(app, stored):
    report = check()
    assert report.ok and report.checked == 5
    result = _run(app)
    assert result.exit_code == 0, result.output
    assert "Almacén íntegro" in result.output


def test_flipped_byte_missing_file_and_orphan_are_reported(app, stored):
    flipped = store.path_for(stored[0])
    data = bytearray(flipped.read_bytes())
    data[0] ^= 0x20
    flipped.chmod(0o600)
    flipped.write_bytes(bytes(data))
    store.path_for(stored[1]).unlink()
    orphan_data = b"nadie me referencia"
    orphan = store.path_for(store.sha256_of(orphan_data))
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(orphan_data)
    stray = store.root() / "ab" / "cd" / "no-es-un-hash.txt"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"x")
    old = 1_000_000_000
    for path in (orphan, stray):
        os.utime(path, (old, old))

    report = check()
    assert [p.sha256 for p in report.by_kind("altered")] == [stored[0]]
    assert [p.sha256 for p in report.by_kind("missing")] == [stored[1]]
    assert sorted(p.path for p in report.by_kind("orphan")) == sorted([str(orphan), str(stray)])
    assert report.checked == 4 - 1 + 1  # three healthy ones plus the altered one were hashed

    result = _run(app, "--json")
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert {p["kind"] for p in payload["problems"]} == {"altered", "missing", "orphan"}
    text = _run(app)
    assert text.exit_code == 1 and "ALTERADO" in text.output and "FALTA" in text.output and "HUÉRFANO" in text.output


def test_a_file_being_written_is_not_called_an_orphan(app, stored):
    """A writer stores the file before its transaction commits the row: within the grace
    period the unreferenced file is left alone."""
    data = b"transaccion en curso"
    path = store.path_for(store.sha256_of(data))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    report = check()
    assert report.ok and report.recent_skipped == 1
    assert not check(grace_seconds=0).ok


def test_the_check_holds_no_write_lock(app, stored, tmp_path):
    """While the check runs between batches, another connection can write."""
    import sqlalchemy as sa

    from qms.storage import check as check_module

    seen = []
    original = check_module._hash_file

    def hash_and_write(path):
        with db.engine.connect() as other:
            other.execute(sa.text("CREATE TABLE IF NOT EXISTS _probe (x int)"))
            other.execute(sa.text("INSERT INTO _probe VALUES (1)"))
            other.commit()
        seen.append(path)
        return original(path)

    check_module._hash_file = hash_and_write
    try:
        assert check().ok
    finally:
        check_module._hash_file = original
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS _probe"))
    assert len(seen) == 5
