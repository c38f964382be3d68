"""Keep personal data and secrets out of log lines.

Log records are formatted from their message and arguments; this filter masks
anything that looks like an e-mail address, a phone number, an API token, or a
value passed under a name listed in SENSITIVE_KEYS.
"""

from __future__ import annotations

import logging
import re

SENSITIVE_KEYS = {
    "password", "secret", "token", "authorization", "cookie", "name", "full_name",
    "contact", "phone", "email", "narrative", "document_number", "date_of_birth",
}
_PATTERNS = [
    (re.compile(r"\bjrg_[0-9a-f]{12}_[A-Za-z0-9_\-]+"), "jrg_[token]"),
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[e-mail]"),
    (re.compile(r"\+?\d[\d \-()]{7,}\d"), "[number]"),
    (re.compile(r"(?i)(password|secret|sessionid|csrftoken)=([^&\s;]+)"), r"\1=[redacted]"),
]


def scrub(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            # Left alone, logging would print the raw arguments to stderr unmasked.
            message = f"{record.msg} (arguments did not fit: {record.args!r})"
        if isinstance(record.args, dict):
            for key, value in record.args.items():
                # An empty value would "match" between every character of the line.
                if str(key).lower() in SENSITIVE_KEYS and str(value):
                    message = message.replace(str(value), "[redacted]")
        record.msg = scrub(message)
        record.args = None
        return True
