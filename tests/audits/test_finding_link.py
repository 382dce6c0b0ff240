"""An action raised from a finding links back to it by the finding's permanent address."""
from qms.extensions import db
from tests.audits.factories import nonconformity, started_audit


def test_the_action_page_links_to_its_finding_through_the_permalink(app, client, users, process, login):
    from qms.audits import service as audits

    audit = started_audit(users, process)
    finding, _none = nonconformity(users, audit)
    action = audits.raise_action(users["quality"], finding, users["staff"])
    db.session.commit()

    login("quality")
    page = client.get(f"/acciones/{action.code}").get_data(as_text=True)
    permalink = f"/auditorias/hallazgo/{finding.id}"
    assert permalink in page
    response = client.get(permalink)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/auditorias/{audit.code}/hallazgos/{finding.number}")


def test_the_permalink_hides_what_the_user_may_not_see(app, client, users, process, login):
    audit = started_audit(users, process)
    finding, _action = nonconformity(users, audit)

    login("author")
    assert client.get(f"/auditorias/hallazgo/{finding.id}").status_code == 404
    assert client.get("/auditorias/hallazgo/999999").status_code == 404
