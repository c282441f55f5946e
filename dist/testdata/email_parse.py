#!/usr/bin/env python3
"""Print how Python's email parser (compat32, as packaging.metadata.parse_email
uses it) reads each file named on the command line, as JSON: a list of
{"headers": [[name, value], ...], "body": str, "error": str}. Used by
metadata_test.go to check ParseMetadata against the real parser."""

import email.header
import email.parser
import email.policy
import json
import sys

out = []
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        data = f.read()
    msg = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(data)
    headers, error = [], ""
    for name, value in msg.items():
        if isinstance(value, email.header.Header):
            chunks = []
            for b, _ in email.header.decode_header(value):
                try:
                    b.decode("utf8", "strict")
                except UnicodeDecodeError:
                    error = "invalid utf-8 in " + name
                chunks.append((b, "utf8"))
            if not error:
                value = str(email.header.make_header(chunks))
        headers.append([name, value if isinstance(value, str) else ""])
    body = msg.get_payload(decode=True)
    try:
        body = body.decode("utf8", "strict") if body is not None else ""
    except UnicodeDecodeError:
        error, body = "invalid utf-8 in body", ""
    out.append({"headers": headers, "body": body, "error": error})
json.dump(out, sys.stdout)
