"""The demo's PMG programme: last year's Etapa 2 fulfilled, this year's Etapa 3 half done."""
from qms.extensions import db
from qms.timeutil import today_local


def test_demo_pmg_programme(app):
    from qms.demo.loader import load_demo
    from qms.pmg import queries

    load_demo()
    db.session.commit()
    year = today_local().year
    with app.test_request_context():
        previous = queries.stage_view(year - 1)
        current = queries.stage_view(year)
        rows = queries.activity_rows(queries.programme(year))
    assert previous["commitment"].stage == 2
    assert [r.state for r in previous["results"]] == ["met"] * 4, [r.missing for r in previous["results"]]
    assert current["commitment"].stage == 3
    assert {r.state for r in current["results"]} - {"met"}, "this year is still in progress"
    programme = queries.programme(year)
    assert programme.is_approved and programme.revision == 1
    done = [r for r in rows if r.done]
    assert 0 < len(done) < len(rows)
    # The gender-focus procedure is still a draft: its activity is open and EG shows a gap.
    gender = next(r for r in rows if "enfoque de género" in r.activity.title)
    assert not gender.done and gender.activity.link_kind == "document"
    with app.test_request_context():
        gaps = {g["process"].code: g["gaps"] for g in queries.perspective_gaps(year)}
    assert "El proceso EG no tiene procedimiento vigente." in gaps["EG"]
