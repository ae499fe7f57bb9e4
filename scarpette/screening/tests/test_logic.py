"""Kleene's three-valued logic, with the facts that would decide an undetermined value."""

from scarpette.screening.logic import FALSE, TRUE, all_of, any_of, not_, open_case, unknown


def test_and_is_false_whatever_the_unknowns() -> None:
    assert all_of(unknown("a"), FALSE).value is False
    assert all_of(TRUE, TRUE).value is True
    result = all_of(TRUE, unknown("a"), unknown("b"))
    assert result.value is None and result.missing == ("a", "b")


def test_or_is_true_whatever_the_unknowns() -> None:
    assert any_of(unknown("a"), TRUE).value is True
    assert any_of(FALSE, FALSE).value is False
    result = any_of(FALSE, unknown("b"))
    assert result.value is None and result.missing == ("b",)


def test_not_keeps_unknown_and_its_reasons() -> None:
    assert not_(TRUE) is FALSE and not_(FALSE) is TRUE
    pending = unknown("a")
    assert not_(pending) is pending


def test_an_open_case_carries_its_note_without_missing_facts() -> None:
    result = all_of(TRUE, open_case("la legge non è chiara"))
    assert (
        result.value is None and result.missing == () and result.notes == ("la legge non è chiara",)
    )
