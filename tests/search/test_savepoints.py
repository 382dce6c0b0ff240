"""Releasing a savepoint is not a commit: the search queue waits for the real one."""


def test_a_released_savepoint_does_not_sync_the_index(app, monkeypatch):
    from qms.extensions import db
    from qms.search import queue

    calls = []
    monkeypatch.setattr(queue, "_sync", lambda wait, auto_rebuild: calls.append("sync"))
    db.session.info[queue.PENDING] = True
    with db.session.begin_nested():
        pass
    assert calls == []  # SQLAlchemy fired after_commit for the savepoint; nothing synced
    assert db.session.info.get(queue.PENDING) is True
    db.session.commit()
    assert calls == ["sync"]
