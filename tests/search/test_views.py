"""The results page, code jumps and the ``qms search`` commands."""
import json

import pytest

from qms.search.cli import search_group


@pytest.fixture
def staff_client(client, login, users):
    login("staff")
    return client


@pytest.mark.usefixtures("search_backend")
def test_results_page_shows_facets_snippets_and_links(corpus, staff_client):
    page = staff_client.get("/buscar?q=auditorias")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<mark>auditorías</mark>" in html
    assert 'data-facet="state" data-value="effective"' in html
    assert "/documentos/PR-GT-01/v/1" in html
    assert "reestructuraci" not in html


@pytest.mark.usefixtures("search_backend")
def test_typed_code_jumps_to_the_document(corpus, staff_client):
    for typed in ("PR-GT-02", "pr-gt-02", "PRGT02"):
        response = staff_client.get(f"/buscar?q={typed}")
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/documentos/PR-GT-02")


@pytest.mark.usefixtures("search_backend")
def test_code_of_an_invisible_draft_does_not_jump(corpus, staff_client):
    code = corpus["borrador"].code
    response = staff_client.get(f"/buscar?q={code}")
    assert response.status_code == 200
    assert 'data-search-total="0"' in response.get_data(as_text=True)


@pytest.mark.usefixtures("search_backend")
def test_chip_filter_and_archived_switch(corpus, make_doc, staff_client):
    make_doc("Instructivo de archivo antiguo", "obsolete")
    html = staff_client.get("/buscar?q=instructivo&buscar=1").get_data(as_text=True)
    assert 'data-search-total="0"' in html
    html = staff_client.get("/buscar?q=instructivo&buscar=1&obsoletos=1").get_data(as_text=True)
    assert 'data-search-total="1"' in html and "no vigente" in html
    html = staff_client.get("/buscar?q=procedimiento&state=effective&type=PR").get_data(as_text=True)
    assert 'aria-current="true"' in html


@pytest.mark.usefixtures("search_backend")
def test_malformed_query_renders(corpus, staff_client):
    for text in ('"sin cierre', "((( ]]]", "tipo:", "*", "-"):
        assert staff_client.get("/buscar", query_string={"q": text}).status_code == 200


def test_search_requires_login(client, app):
    assert client.get("/buscar?q=x").status_code == 302


@pytest.mark.usefixtures("search_backend")
def test_cli_query_as_user_json(app, corpus, users):
    runner = app.test_cli_runner()
    result = runner.invoke(search_group, ["query", "reestructuración", "--user", "staff", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["total"] == 0
    result = runner.invoke(search_group, ["query", "reestructuración", "--user", "quality", "--json"])
    rows = json.loads(result.output)["results"]
    assert [(r["code"], r["kind"], r["state"]) for r in rows] == [(corpus["borrador"].code, "document", "draft")]
    text = runner.invoke(search_group, ["query", "PR-GT-01"]).output
    assert text.splitlines()[1].startswith("PR-GT-01")


@pytest.mark.parametrize("app_overrides", [{"SERVER_NAME": None, "BASE_URL": "https://calidad.example.cl"}])
def test_cli_query_links_use_the_public_address(app, corpus, users):
    """Outside a request and without SERVER_NAME, result links are built on QMS_BASE_URL."""
    result = app.test_cli_runner().invoke(search_group, ["query", "reestructuración", "--user", "quality", "--json"])
    assert result.exit_code == 0, result.output
    urls = [row["url"] for row in json.loads(result.output)["results"]]
    assert urls and all(url.startswith("/documentos/") or url.startswith("https://calidad.example.cl/") for url in urls)


def test_cli_rebuild_check_fix_sync(app, corpus):
    import shutil

    runner = app.test_cli_runner()
    assert runner.invoke(search_group, ["check"]).exit_code == 0
    shutil.rmtree(app.config["INDEX_PATH"])
    result = runner.invoke(search_group, ["check"])
    assert result.exit_code == 1 and "missing" in result.output
    assert runner.invoke(search_group, ["check", "--fix"]).exit_code == 0
    assert runner.invoke(search_group, ["rebuild"]).exit_code == 0
    result = runner.invoke(search_group, ["sync"])
    assert result.exit_code == 0 and "aplicados: 0" in result.output


@pytest.mark.usefixtures("search_backend")
def test_cli_query_takes_words_beginning_with_a_dash(app, corpus, users):
    runner = app.test_cli_runner()
    plain = json.loads(runner.invoke(search_group, ["query", "procedimiento", "--json"]).output)["total"]
    result = runner.invoke(search_group, ["query", "procedimiento", "-capacitación", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["total"] == plain - 1
    after_dashes = runner.invoke(search_group, ["query", "--json", "--", "-capacitación", "procedimiento"])
    assert json.loads(after_dashes.output)["total"] == plain - 1


def test_cli_query_without_an_index_answers_from_the_database(app, corpus, users):
    import shutil

    shutil.rmtree(app.config["INDEX_PATH"])
    result = app.test_cli_runner().invoke(search_group, ["query", "Procedimiento", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["degraded"] and answer["total"] >= 2
