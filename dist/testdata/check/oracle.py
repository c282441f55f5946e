"""Differential oracle for the e-mail, URL and Description-Content-Type rules
of dist's preflight, run on the code PyPI runs.

PYTHONPATH must hold the sources warehouse-oracle vendors (its upstream/
folder: warehouse, packaging 26.2, email-validator 2.3.0); the test sets it.
Reads {"emails": [...], "urls": [...], "content_types": [...]} on stdin and
writes, for each input, PyPI's message when it refuses the value, "" when it
accepts it, and null for an e-mail field that holds no single address
(Warehouse then validates nothing):
  - e-mails: email.utils.parseaddr, then email_validator.validate_email
    without DNS, as warehouse/forklift/metadata.py does;
  - URLs: warehouse.utils.http.is_valid_uri(require_authority=False), the
    check Warehouse applies to Home-page, Download-URL and Project-URL;
  - content types: packaging.metadata's Description-Content-Type rule.
"""
import email.utils
import json
import sys

import email_validator
from packaging.metadata import ExceptionGroup, InvalidMetadata, Metadata
from warehouse.utils import http


def email_message(value):
    _, address = email.utils.parseaddr(value)
    if not address:
        return None
    try:
        email_validator.validate_email(address, check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        return f"{address!r} is not a valid email address: {exc}"
    return ""


def url_message(value):
    return "" if http.is_valid_uri(value, require_authority=False) else "invalid"


def content_type_message(value):
    raw = {"metadata_version": "2.1", "name": "x", "version": "1.0", "description_content_type": value}
    try:
        Metadata.from_raw(raw)
    except ExceptionGroup as group:
        return str(group.exceptions[0])
    except InvalidMetadata as exc:
        return str(exc)
    return ""


req = json.load(sys.stdin)
json.dump({"emails": [email_message(e) for e in req.get("emails", [])],
           "urls": [url_message(u) for u in req.get("urls", [])],
           "content_types": [content_type_message(c) for c in req.get("content_types", [])]}, sys.stdout)
