"""Run as a separate process by test_durability: create documents and commit each one."""
import json
import sys


def main(config_json: str, prefix: str, count: int) -> None:
    import sqlalchemy as sa

    from qms import create_app
    from qms.auth.models import User
    from qms.documents import service
    from qms.documents.models import DocumentType
    from qms.extensions import db
    from qms.org.models import Process

    app = create_app(json.loads(config_json))
    with app.app_context():
        author = db.session.scalar(sa.select(User).where(User.username == "author"))
        process = db.session.scalar(sa.select(Process).where(Process.code == "GT"))
        doc_type = db.session.scalar(sa.select(DocumentType).where(DocumentType.code == "PR"))
        for i in range(count):
            service.create_document(author, doc_type=doc_type, process=process, title=f"{prefix} concurrente {i}")
            db.session.commit()
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
