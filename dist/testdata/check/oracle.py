"""Differential oracle for the e-mail and URL rules of dist's preflight.

Reads {"emails": [...], "urls": [...], "content_types": [...]} on stdin and writes, for each input,
whether PyPI's checks would reject it: e-mails go through
email.utils.parseaddr and email_validator.validate_email (no DNS), as
Warehouse does; URLs through rfc3986 with http/https required and the
scheme, host, port, path and query checked, as Warehouse's is_valid_uri
does; Description-Content-Type values through the rules of
packaging.metadata (restated here with the standard library, as Debian's
packaging predates them). Needs python3-email-validator and python3-rfc3986.
"""
import email.message
import email.utils
import json
import sys

import email_validator
from rfc3986 import exceptions, uri_reference, validators


def email_bad(value):
    _, address = email.utils.parseaddr(value)
    if not address:
        return False
    try:
        email_validator.validate_email(address, check_deliverability=False)
    except email_validator.EmailNotValidError:
        return True
    return False


def url_bad(value):
    try:
        uri = uri_reference(value).normalize()
        v = validators.Validator().allow_schemes("http", "https")
        v.require_presence_of("scheme")
        v.check_validity_of("scheme", "host", "port", "path", "query")
        v.validate(uri)
    except (exceptions.ValidationError, exceptions.RFC3986Exception, ValueError):
        return True
    return False


def content_type_bad(value):
    # The Description-Content-Type rules of packaging.metadata, restated.
    message = email.message.EmailMessage()
    try:
        message["content-type"] = value
    except (ValueError, IndexError):
        return True
    header = message["content-type"]
    if header.defects:
        return True
    content_type = message.get_content_type().lower()
    params = header.params
    if content_type not in {"text/plain", "text/x-rst", "text/markdown"} or content_type not in value.lower():
        return True
    if params.get("charset", "UTF-8").lower() != "utf-8":
        return True
    if content_type == "text/markdown" and params.get("variant", "GFM") not in {"GFM", "CommonMark"}:
        return True
    return False


req = json.load(sys.stdin)
json.dump({"emails": [email_bad(e) for e in req.get("emails", [])],
           "urls": [url_bad(u) for u in req.get("urls", [])],
           "content_types": [content_type_bad(c) for c in req.get("content_types", [])]}, sys.stdout)
