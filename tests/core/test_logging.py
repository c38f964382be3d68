"""Personal data and secrets never reach a log line."""

from __future__ import annotations

import io
import logging

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from jaring.core.logging import PersonalDataFilter, scrub

TOKEN = "jrg_0a1b2c3d4e5f_Zm9vYmFy-c2VjcmV0_dG9rZW4xMjM0NTY3ODkw"


@pytest.fixture
def log():
    """A logger whose only handler carries the filter, writing to a string."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PersonalDataFilter())
    logger = logging.getLogger("jaring.tests.logging")
    logger.propagate = False
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield logger, stream
    logger.removeHandler(handler)


def test_emails_phone_numbers_and_tokens_are_masked(log):
    logger, stream = log
    logger.info("victim siti.rahmah+case@example.com.my called +60 12-345 6789 with %s", TOKEN)
    logger.warning("callback to (02) 8123 4567 failed; Authorization: Bearer %s", TOKEN)
    output = stream.getvalue()
    for secret in ("siti.rahmah", "example.com.my", "345 6789", "8123 4567", TOKEN,
                   "0a1b2c3d4e5f", "c2VjcmV0"):
        assert secret not in output
    assert "[e-mail]" in output and "[number]" in output and "jrg_[token]" in output
    assert "called" in output and "callback to" in output  # the rest of the line survives


def test_values_under_sensitive_names_are_redacted(log):
    logger, stream = log
    logger.info("registered %(full_name)s for case %(case)s",
                {"full_name": "Nguyen Thi Lan", "case": "VN-42"})
    logger.info("form: password=hunter2&next=/ sessionid=abc123")
    output = stream.getvalue()
    assert "Nguyen Thi Lan" not in output and "hunter2" not in output and "abc123" not in output
    assert "VN-42" in output
    assert "password=[redacted]" in output


def test_a_badly_formatted_record_is_still_logged_and_masked(log, capsys):
    logger, stream = log
    logger.info("%s wrote to %s", "lan@example.vn")  # one argument short
    output = stream.getvalue()
    assert "wrote to" in output and "[e-mail]" in output
    assert "lan@example.vn" not in output + capsys.readouterr().err


def test_an_empty_sensitive_value_leaves_the_line_readable(log):
    logger, stream = log
    logger.info("contact %(email)s updated", {"email": ""})
    assert stream.getvalue() == "contact  updated\n"


def test_the_filter_guards_every_console_line():
    console = settings.LOGGING["handlers"]["console"]
    assert "personal_data" in console["filters"]
    assert settings.LOGGING["filters"]["personal_data"]["()"] == (
        "jaring.core.logging.PersonalDataFilter"
    )


@given(user=st.from_regex(r"[a-z][a-z0-9.]{0,20}", fullmatch=True),
       domain=st.from_regex(r"[a-z][a-z0-9-]{0,15}\.(org|com|gov\.sg|co\.th)", fullmatch=True))
def test_any_plain_email_address_is_masked(user, domain):
    assert f"{user}@{domain}" not in scrub(f"from {user}@{domain} today")


@given(digits=st.lists(st.integers(0, 9), min_size=9, max_size=13))
def test_any_long_phone_number_is_masked(digits):
    number = "+" + "".join(map(str, digits))
    assert number[1:] not in scrub(f"call {number} now")
