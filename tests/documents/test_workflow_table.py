"""The workflow table and code numbering, as plain unit tests."""
import pytest

from qms.documents import numbering, workflow


def test_happy_path_reaches_obsolete():
    state = "draft"
    for name in ("submit", "pass_review", "approve", "make_effective", "make_obsolete"):
        state = workflow.check(name, state).target
    assert state == "obsolete"


@pytest.mark.parametrize("name,state", [
    ("approve", "draft"), ("approve", "in_review"), ("pass_review", "draft"), ("submit", "in_review"),
    ("submit", "effective"), ("withdraw", "obsolete"), ("withdraw", "withdrawn"), ("make_effective", "in_approval"),
])
def test_transition_from_wrong_state_is_refused(name, state):
    with pytest.raises(ValueError):
        workflow.check(name, state)


def test_returns_go_back_to_the_author():
    assert workflow.TRANSITIONS["return_review"].target == "returned"
    assert workflow.TRANSITIONS["return_approval"].target == "returned"
    assert workflow.check("submit", "returned").target == "in_review"


def test_segregation_of_duties_is_declared_on_approval():
    assert set(workflow.TRANSITIONS["approve"].excluded_signers) == {"authored", "reviewed"}
    assert workflow.TRANSITIONS["pass_review"].excluded_signers == ("authored",)


def test_system_steps_are_not_offered_to_users():
    assert "make_effective" not in workflow.USER_TRANSITIONS
    assert "make_obsolete" not in workflow.USER_TRANSITIONS
    assert [t.name for t in workflow.available("in_review")] == ["pass_review", "return_review", "withdraw"]


def test_every_transition_targets_a_known_state():
    from qms.documents.models import STATES

    for transition in workflow.TRANSITIONS.values():
        assert transition.target in STATES
        assert transition.sources <= set(STATES)


@pytest.mark.parametrize("pattern,expected", [
    ("PR-{process}-{seq:02}", "PR-GT-07"),
    ("MC-{process}-{seq:02}", "MC-GT-07"),
    ("DE-{seq:03}", "DE-007"),
    ("{type}/{process}/{seq}", "PR/GT/7"),
])
def test_format_code(pattern, expected):
    assert numbering.format_code(pattern, "PR", "GT", 7) == expected


def test_sequence_key_groups_by_prefix():
    assert numbering.sequence_key("PR-{process}-{seq:02}", "PR", "GT") == "PR-GT-#"
    assert numbering.sequence_key("PR-{process}-{seq:02}", "PR", "CAL") == "PR-CAL-#"


@pytest.mark.parametrize("pattern", ["PR-{process}", "PR-{proceso}-{seq}"])
def test_invalid_patterns(pattern):
    with pytest.raises(ValueError):
        numbering.validate_pattern(pattern)


@pytest.mark.parametrize("start,months,expected", [
    ((2026, 1, 31), 1, (2026, 2, 28)), ((2024, 2, 29), 12, (2025, 2, 28)), ((2026, 11, 22), 24, (2028, 11, 22)),
    ((2026, 12, 5), 1, (2027, 1, 5)),
])
def test_add_months(start, months, expected):
    from datetime import date

    from qms.timeutil import add_months

    assert add_months(date(*start), months) == date(*expected)
