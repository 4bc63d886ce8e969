"""redact(): what lint flags as personal data is replaced, everything else kept as written."""

import pytest

from pmops import pii
from pmops.errors import InvalidInput


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mail p.smith@hooli.com today", "Mail [email redacted] today"),
        ("Call +1 415-555-0133 or (415) 555-0134.", "Call [phone redacted] or [phone redacted]."),
        ("Card 4111 1111 1111 1111, twice", "Card [card number redacted], twice"),
        ("Card 4111-1111-1111-1111", "Card [card number redacted]"),  # not a phone inside a card
        # Not personal data: dates, order numbers, a number failing Luhn, versions.
        (
            "Order 2026-11-05 #A-1234567, ref 4111 1111 1111 1112, v2.3.1",
            "Order 2026-11-05 #A-1234567, ref 4111 1111 1111 1112, v2.3.1",
        ),
        ("", ""),
    ],
)
def test_redact_replaces_only_what_lint_flags(text: str, expected: str) -> None:
    assert pii.redact(text) == expected
    assert list(pii.scan(pii.redact(text))) == []


def test_redact_document_says_where_and_keep_refuses_a_card() -> None:
    values, body, found = pii.redact_document(
        {"title": "x", "quote": "a@b.io and c@d.io", "tags": ["pricing"]}, "+1 415-555-0133"
    )
    assert values == {"title": "x", "quote": "[email redacted] and [email redacted]", "tags": ["pricing"]}
    assert body == "[phone redacted]"
    assert [pii.describe(f, kept=False) for f in found] == [
        "quote: 2 email addresses redacted",
        "body: 1 phone number redacted",
    ]
    kept, _, found = pii.redact_document({"quote": "a@b.io"}, None, keep=True)
    assert kept == {"quote": "a@b.io"} and [pii.describe(f, kept=True) for f in found] == [
        "quote: 1 email address kept as given (a***@b.io)"
    ]
    with pytest.raises(
        InvalidInput, match=r"quote: contains a payment card number \(\*\*\*\* \*\*\*\* \*\*\*\* 1111\)"
    ):
        pii.redact_document({"quote": "4111 1111 1111 1111"}, None, keep=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call 020 7946 0958 today", "call [phone redacted] today"),  # UK, national form
        ("Berlin office +49 30 901820", "Berlin office [phone redacted]"),  # a short group after the area code
        ("+44 (0)20 7946 0958", "[phone redacted]"),
        ("Phone (415) 555-0134 or 020 7946 0958", "Phone [phone redacted] or [phone redacted]"),
        # Not phone numbers: dates, versions, order and ticket numbers, addresses.
        ("on 07.11.2026 and 01 12 2026", "on 07.11.2026 and 01 12 2026"),
        ("order 0012 3456 7890 1234, ticket 012-345", "order 0012 3456 7890 1234, ticket 012-345"),
        ("v1.2.3 at 10.0.0.12", "v1.2.3 at 10.0.0.12"),
    ],
)
def test_phone_numbers_as_people_write_them(text: str, expected: str) -> None:
    assert pii.redact(text) == expected
