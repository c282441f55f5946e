package publishtest

import (
	"net/http"
	"os/exec"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pypi-publish/pypi-publish/internal/testtool"
)

// pyramidScript renders errors with the real Pyramid (apt-get install
// python3-pyramid) the way Warehouse's _exc_with_message builds them: detail
// = the message, status = "<code> <message as ISO-8859-1>".
const pyramidScript = `
import json, sys
from pyramid.httpexceptions import status_map
from webob import Request
out = []
for code, msg, accept in json.load(sys.stdin):
    exc = status_map[code](detail=msg)
    exc.status = "%d %s" % (code, msg.encode("iso-8859-1", "replace").decode("iso-8859-1"))
    req = Request.blank("/legacy/", method="POST")
    if accept is not None:
        req.headers["Accept"] = accept
    resp = req.get_response(exc)
    out.append([resp.status, resp.headers.get("Content-Type"), resp.body.decode("utf-8")])
json.dump(out, sys.stdout)
`

// TestPyramidRenderingMatchesPyramid compares the fake's error answers,
// byte for byte, with the real Pyramid's.
func TestPyramidRenderingMatchesPyramid(t *testing.T) {
	if testing.Short() {
		t.Skip("runs python3")
	}
	testtool.Python(t, "pyramid.httpexceptions")
	t.Parallel()
	exists := "File already exists ('demo_pkg-1.0.tar.gz', with blake2_256 hash 'ab'). See https://pypi.org/help/#file-name-reuse for more information."
	type tc struct {
		Code   int
		Msg    string
		Accept *string
	}
	str := func(s string) *string { return &s }
	var cases []tc
	for _, accept := range []*string{nil, str("*/*"), str("application/json;q=0.9, text/plain;q=0.8"), str("text/plain"), str("text/html;q=0.5, application/json;q=0.5"), str("image/png")} {
		for _, m := range []struct {
			code int
			msg  string
		}{{400, exists}, {403, MsgInvalidAuth}, {400, "The name 'пакет' <is> \"bad\" & wrong 😀\ttab"}, {409, "Conflict"}, {429, "Too many new projects created"}, {503, "Service Unavailable"}, {410, "Gone"}} {
			cases = append(cases, tc{m.code, m.msg, accept})
		}
	}
	var rows [][]any
	for _, c := range cases {
		rows = append(rows, []any{c.Code, c.Msg, c.Accept})
	}
	var want [][3]string
	testtool.RunJSON(t, exec.CommandContext(t.Context(), testtool.DebianPython, "-c", pyramidScript), rows, &want)
	for i, c := range cases {
		r, _ := http.NewRequest(http.MethodPost, "/legacy/", nil)
		if c.Accept != nil {
			r.Header.Set("Accept", *c.Accept)
		}
		a := pyramidError(r, c.Code, c.Msg)
		got := [3]string{a.statusLine(), a.header.Get("Content-Type"), string(a.body)}
		if diff := cmp.Diff(want[i], got); diff != "" {
			accept := "<none>"
			if c.Accept != nil {
				accept = *c.Accept
			}
			t.Errorf("%d %q, Accept %s: mismatch with Pyramid (-pyramid +fake):\n%s", c.Code, c.Msg, accept, diff)
		}
	}
}
