"""amounts.figure: a figure that is not money (a metric's value, an expectation's target) as people write it.
Each expected value is written by hand."""

from __future__ import annotations

import pytest

from pmops import amounts


@pytest.mark.parametrize(
    ("written", "number"),
    [("4210", 4210), ("-3.5", -3.5), ("\u22123", -3), ("99.7%", 99.7), ("99.7 %", 99.7), ("1,234", 1234),
     ("1 234", 1234), ("1,234,567.5", 1234567.5), ("5k", 5000), ("1.2M", 1200000), ("2bn", 2000000000),
     ("1.234", 1.234)],  # a dot is a decimal point here: a metric's 1.234 is as written
)  # fmt: skip
def test_a_figure_as_people_write_it(written: str, number: float) -> None:
    assert amounts.figure(written) == number


@pytest.mark.parametrize(
    ("written", "said"),
    [("99,7", "'99,7' is not a number: write 99.7 (a decimal point; a comma only groups thousands, as in 5,000)"),
     ("5m", "'5m' is ambiguous: a million, or minutes? (write the number, e.g. 5M for a million)"),
     ("1.234,5", "'1.234,5' is not a number (write e.g. 4210, 99.7 or -3.5)"),
     ("n/a", "'n/a' is not a number (write e.g. 4210, 99.7 or -3.5)"), ("inf", "'inf' is not a finite number")],
)  # fmt: skip
def test_a_figure_that_would_be_a_guess_is_refused(written: str, said: str) -> None:
    with pytest.raises(ValueError) as caught:
        amounts.figure(written)
    assert str(caught.value) == said
