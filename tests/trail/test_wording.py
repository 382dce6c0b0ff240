"""The trail reads an entry's details in Spanish and leaves machine data out."""
from qms.trail.wording import action_label, detail_lines, register_actions


def test_details_without_a_module_reader_are_read_in_spanish():
    lines = detail_lines("unknown.kind", {"state": ["open", "closed"], "due_date": "2026-12-31",
                                          "sha256": "ab" * 32, "is_confidential": True, "processes": ["GT", "CAL"]})
    assert detail_lines("x.y", {"regions": [["RM"], ["RM", "V"]]}) == ["Regiones: RM → RM, V"]
    assert lines == ["Estado: open → closed", "Plazo: 2026-12-31", "Confidencial: sí", "Procesos: GT, CAL"]


def test_a_module_names_its_actions_and_reads_its_details():
    register_actions({"sample.done": "Ejemplo hecho"}, lambda action, details: [f"{action}={details['n']}"])
    assert action_label("sample.done") == "Ejemplo hecho"
    assert detail_lines("sample.done", {"n": 3}) == ["sample.done=3"]
    assert action_label("sample.unnamed") == "sample.unnamed"
