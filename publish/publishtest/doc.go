// Package publishtest is a strict fake of PyPI's upload and simple APIs for
// tests. It wraps httptest.Server.
//
// Uploads are parsed the way Warehouse parses them and refused with
// Warehouse's own messages, status lines and Pyramid error bodies
// (warehouse/forklift/legacy.py and Pyramid's error views): a
// single-valued field sent twice, a text field sent as a file, a missing or
// image content type, a wrong :action or protocol_version, bad digests,
// digests that do not match the bytes, file names that do not match the
// project (wheel and PEP 625 sdist rules), duplicates, a second sdist per
// release, a reused file name, missing or password authentication. What it
// does not check: description rendering, classifiers, archive contents,
// platform tags (the dist package's preflight does those locally).
//
// In ThirdParty mode it behaves like pypiserver instead: 409 for any
// existing file name, no naming policy, any credentials.
//
// It records every upload (Uploads), lists what it holds through a PEP 691
// JSON (and PEP 503 HTML) simple API, and can be scripted with faults per
// file name and attempt (Script): status answers, connection resets in the
// middle of the body, slow or truncated answers, redirects, garbage bodies,
// and "stored but answered 503".
package publishtest
