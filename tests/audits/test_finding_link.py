"""An action raised from a finding links back to it through the objects registry,
only for readers who may open the finding."""
from qms.extensions import db
from tests.audits.factories import nonconformity, started_audit


def test_the_action_page_links_to_its_finding_only_for_who_may_see_it(app, client, users, process, login):
    from qms.audits import service as audits

    audit = started_audit(users, process)
    finding, _none = nonconformity(users, audit)
    action = audits.raise_action(users["quality"], finding, users["author"])
    db.session.commit()
    finding_url = f"/auditorias/{audit.code}/hallazgos/{finding.number}"

    login("quality")
    assert finding_url in client.get(f"/acciones/{action.code}").get_data(as_text=True)

    # The action's owner may open the action but not the audit: no link to a page that would be a 404.
    owner = app.test_client()
    login("author", target=owner)
    page = owner.get(f"/acciones/{action.code}")
    assert page.status_code == 200
    assert finding_url not in page.get_data(as_text=True)
    assert owner.get(finding_url).status_code == 404
