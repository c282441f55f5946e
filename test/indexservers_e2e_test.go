package test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/testtool"
	"github.com/pypi-publish/pypi-publish/publish"
)

// End-to-end tests against real pypiserver and devpi-server (issue 17):
// the binary publishes, re-runs with and without index-url, resumes a
// partial release, meets conflicts with and without skip-existing, reads an
// index that needs a login, and reports wrong passwords and wrong paths
// with their fix. pip downloads what was uploaded and it must match byte
// for byte. docs/indexes.md quotes the answers these tests see.

var projectSeq atomic.Int64

// uniqueProject returns a project name no other test uses on the shared
// servers.
func uniqueProject(t *testing.T) string {
	t.Helper()
	n := strings.ToLower(regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(t.Name(), "-"))
	if len(n) > 40 {
		n = n[len(n)-40:]
	}
	return fmt.Sprintf("ix-%d-%s", projectSeq.Add(1), strings.Trim(n, "-"))
}

// release writes a wheel and an sdist of name and version into dir and
// returns their paths. variant changes the bytes, not the file names.
// The sdist builds with Debian's setuptools, so pip can prepare its
// metadata offline.
func release(t *testing.T, dir, name, version, variant string) (wheel, sdist string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	m := baseMeta("2.1").with("Name", name).with("Version", version).with("Summary", "Generated for the index-server tests "+variant)
	mod := fileStem(name)
	w := wheelFile(m)
	w.Members = []genMember{{Name: mod + "/__init__.py", Data: []byte("VARIANT = " + fmt.Sprintf("%q", variant) + "\n")}}
	s := sdistFile(m)
	top := sdistTop(s.Filename)
	s.Members = []genMember{
		{Name: top + "/pyproject.toml", Data: []byte(fmt.Sprintf("[build-system]\nrequires = [\"setuptools\"]\nbuild-backend = \"setuptools.build_meta\"\n\n[project]\nname = %q\nversion = %q\n", name, version))},
		{Name: top + "/" + mod + "/__init__.py", Data: []byte("VARIANT = " + fmt.Sprintf("%q", variant) + "\n")},
	}
	return w.write(t, dir), s.write(t, dir)
}

// wheelOnly writes the wheel of release into ws/dist and returns its path.
func wheelOnly(t *testing.T, ws, name, version, variant string) string {
	t.Helper()
	w, _ := release(t, t.TempDir(), name, version, variant)
	dst := filepath.Join(ws, "dist", filepath.Base(w))
	copyFile(t, w, dst)
	return dst
}

// env returns the inputs that publish to s with its login, plus extra.
func (s *indexServer) env(extra ...string) Env {
	in := map[string]string{"repository-url": s.URL, "user": s.User, "password": s.Password}
	for i := 0; i+1 < len(extra); i += 2 {
		in[extra[i]] = extra[i+1]
	}
	return Env{Inputs: in, Timeout: 3 * time.Minute, PublicPassword: in["password"] == "password"}
}

// wantStatuses checks the files output.
func wantStatuses(t *testing.T, r *Run, want map[string]string) {
	t.Helper()
	got := statuses(t, r)
	for f, w := range want {
		if got[f] != w {
			t.Errorf("status of %s = %q, want %q (all: %v)", f, got[f], w, got)
		}
	}
}

// pipDownload downloads name==version with Debian's pip from the simple
// API root (binary or source) and returns the file's path.
func pipDownload(t *testing.T, simple, user, password, name, version string, binary bool) string {
	t.Helper()
	py := testtool.Python(t, "pip")
	u, err := url.Parse(simple)
	if err != nil {
		t.Fatal(err)
	}
	if user != "" {
		u.User = url.UserPassword(user, password)
	}
	dest, home := t.TempDir(), t.TempDir()
	args := []string{"-m", "pip", "download", "--no-deps", "--no-cache-dir", "--disable-pip-version-check",
		"--index-url", u.String(), "--dest", dest}
	if binary {
		args = append(args, "--only-binary", ":all:")
	} else {
		args = append(args, "--no-binary", ":all:", "--no-build-isolation")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, append(args, name+"=="+version)...)
	cmd.Env = []string{"HOME=" + home, "PATH=/usr/bin:/bin", "PIP_CONFIG_FILE=/dev/null", "PYTHONDONTWRITEBYTECODE=1", "TMPDIR=" + home}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pip download %s==%s: %v\n%s", name, version, err, out)
	}
	entries, err := os.ReadDir(dest)
	if err != nil || len(entries) != 1 {
		t.Fatalf("pip download left %v in %s (%v), want one file", entries, dest, err)
	}
	return filepath.Join(dest, entries[0].Name())
}

// sameBytes fails unless the two files are equal.
func sameBytes(t *testing.T, got, want string) {
	t.Helper()
	a, err1 := os.ReadFile(got)
	b, err2 := os.ReadFile(want)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if sha256.Sum256(a) != sha256.Sum256(b) {
		t.Errorf("%s (%d bytes) differs from the uploaded %s (%d bytes)", got, len(a), want, len(b))
	}
}

// noCommandsLike fails when an annotation of kind contains text.
func noAnnotation(t *testing.T, r *Run, kind, text string) {
	t.Helper()
	for _, a := range annotations(r, kind) {
		if strings.Contains(a, text) {
			t.Errorf("unexpected %s annotation: %s", kind, a)
		}
	}
}

// mustContain fails unless the output contains each text.
func mustContain(t *testing.T, r *Run, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(r.Output(), s) {
			t.Errorf("output lacks %q", s)
		}
	}
}

// onEachServer runs body as a parallel subtest on real pypiserver and on
// real devpi, each with a project name of its own.
func onEachServer(t *testing.T, body func(t *testing.T, srv *indexServer, name string)) {
	for _, kind := range []string{"pypiserver", "devpi"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			body(t, startIndexServer(t, kind), uniqueProject(t))
		})
	}
}

// deadIndex is a simple API root where nothing listens: the existing-file
// check fails, so only the server's answers tell what happened.
func deadIndex(t *testing.T) string {
	t.Helper()
	port, err := freeLoopbackPort()
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("http://127.0.0.1:%d/simple/", port)
}

// Publish, pip download byte for byte, re-run without and with index-url:
// both files skipped-identical, one notice, exit 0.
func TestIndexServers_publishAndRerun(t *testing.T) {
	t.Parallel()
	onEachServer(t, func(t *testing.T, srv *indexServer, name string) {
		ws := newWorkspace(t)
		wheel, sdist := release(t, filepath.Join(ws, "dist"), name, "1.0", "a")
		r := runAction(t, ws, srv.env())
		if r.Code != 0 {
			t.Fatalf("publish: exit %d", r.Code)
		}
		wantStatuses(t, r, map[string]string{filepath.Base(wheel): "uploaded", filepath.Base(sdist): "uploaded"})
		noAnnotation(t, r, "notice", "Attestations are skipped")
		sameBytes(t, pipDownload(t, srv.Simple, "", "", name, "1.0", true), wheel)
		sameBytes(t, pipDownload(t, srv.Simple, "", "", name, "1.0", false), sdist)

		for _, extra := range [][]string{nil, {"index-url", srv.Simple}} {
			r := runAction(t, ws, srv.env(extra...))
			if r.Code != 0 {
				t.Fatalf("re-run %v: exit %d", extra, r.Code)
			}
			wantStatuses(t, r, map[string]string{filepath.Base(wheel): "skipped-identical", filepath.Base(sdist): "skipped-identical"})
			if n := annotations(r, "notice"); len(n) != 1 || !strings.Contains(n[0], "Nothing was uploaded: all 2 files are already on the index, byte for byte") {
				t.Errorf("re-run %v: notices %q, want the one final line", extra, n)
			}
			if w := annotations(r, "warning"); len(w) != 0 {
				t.Errorf("re-run %v: warnings %q, want none", extra, w)
			}
		}
	})
}

// A partial release: the wheel went up earlier; the re-run sends the sdist
// and recognises the wheel, without index-url.
func TestIndexServers_resumePartialRelease(t *testing.T) {
	t.Parallel()
	onEachServer(t, func(t *testing.T, srv *indexServer, name string) {
		ws := newWorkspace(t)
		wheel, sdist := release(t, filepath.Join(ws, "dist"), name, "1.0", "a")
		copyFile(t, wheel, filepath.Join(ws, "part", filepath.Base(wheel)))
		if r := runAction(t, ws, srv.env("packages-dir", "part")); r.Code != 0 {
			t.Fatalf("first part: exit %d", r.Code)
		}
		r := runAction(t, ws, srv.env())
		if r.Code != 0 {
			t.Fatalf("resume: exit %d", r.Code)
		}
		wantStatuses(t, r, map[string]string{filepath.Base(wheel): "skipped-identical", filepath.Base(sdist): "uploaded"})
		mustContain(t, r, "::notice::Uploaded 1 file; 1 file already on the index, byte for byte")
		sameBytes(t, pipDownload(t, srv.Simple, "", "", name, "1.0", false), sdist)
	})
}

// Same file name, other bytes: without skip-existing the run fails before
// sending anything (the listing's SHA-256 differs); with it the file is
// skipped with a warning and the final line says so. Either way the index
// keeps its bytes.
func TestIndexServers_conflict(t *testing.T) {
	t.Parallel()
	onEachServer(t, func(t *testing.T, srv *indexServer, name string) {
		first, second := newWorkspace(t), newWorkspace(t)
		wheel := wheelOnly(t, first, name, "1.0", "a")
		if r := runAction(t, first, srv.env()); r.Code != 0 {
			t.Fatalf("first: exit %d", r.Code)
		}
		wheelOnly(t, second, name, "1.0", "b")
		base := filepath.Base(wheel)

		r := runAction(t, second, srv.env())
		if r.Code != 1 {
			t.Fatalf("conflict without skip-existing: exit %d, want 1", r.Code)
		}
		wantStatuses(t, r, map[string]string{base: "failed"})
		mustContain(t, r, "::error title=Upload failed (UP-04)::", "the index already has a file with this name but different contents")

		r = runAction(t, second, srv.env("skip-existing", "true"))
		if r.Code != 0 {
			t.Fatalf("conflict with skip-existing: exit %d, want 0", r.Code)
		}
		wantStatuses(t, r, map[string]string{base: "skipped-existing"})
		mustContain(t, r, "::warning title=File skipped::"+base,
			"::notice::Nothing was uploaded; 1 file skipped because the index has a file of that name whose contents are other or unknown (skip-existing)")
		noAnnotation(t, r, "notice", "every distribution is already on the index")
		sameBytes(t, pipDownload(t, srv.Simple, "", "", name, "1.0", true), wheel)
	})
}

// Without a file list (index-url where nothing answers), only the server's
// answer tells: pypiserver's 409 is an existing file of unknown bytes,
// devpi's 409 one with other bytes, and devpi's "200 Upload of identical
// file" is skipped-identical. Messages are readable text, not HTML.
func TestIndexServers_answersWithoutListing(t *testing.T) {
	t.Parallel()
	cases := []struct {
		kind, variant string
		skip          bool
		code          int
		status        string
		log           []string
	}{
		{"pypiserver", "a", false, 1, "failed", []string{"::error title=Upload failed (UP-21)::", "409 Package '", "already exists! You may start server with `--overwrite` option."}},
		{"pypiserver", "b", true, 0, "skipped-existing", []string{"Whether its bytes are the local ones is unknown"}},
		{"devpi", "a", false, 0, "skipped-identical", []string{"Upload of identical file to non volatile index.", "is already on the index, byte for byte (same SHA-256)."}},
		{"devpi", "b", false, 1, "failed", []string{"::error title=Upload failed (UP-21)::", "already exists in non-volatile index"}},
		{"devpi", "b", true, 0, "skipped-existing", []string{"the index says it has a file with this name but other contents"}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s_%s_skip_%v", tc.kind, tc.variant, tc.skip), func(t *testing.T) {
			t.Parallel()
			srv := startIndexServer(t, tc.kind)
			name := uniqueProject(t)
			first, second := newWorkspace(t), newWorkspace(t)
			wheelOnly(t, first, name, "1.0", "a")
			if r := runAction(t, first, srv.env()); r.Code != 0 {
				t.Fatalf("first: exit %d", r.Code)
			}
			wheel := wheelOnly(t, second, name, "1.0", tc.variant)
			extra := []string{"index-url", deadIndex(t)}
			if tc.skip {
				extra = append(extra, "skip-existing", "true")
			}
			r := runAction(t, second, srv.env(extra...))
			if r.Code != tc.code {
				t.Fatalf("exit %d, want %d", r.Code, tc.code)
			}
			wantStatuses(t, r, map[string]string{filepath.Base(wheel): tc.status})
			mustContain(t, r, append(tc.log, "::warning title=Existing-file check unavailable::")...)
			for _, css := range []string{"background-color", "<pre>", "&#039;", "DOCTYPE"} {
				if strings.Contains(r.Output()+r.Summary, css) {
					t.Errorf("output or summary holds HTML %q", css)
				}
			}
		})
	}
}

// pypiserver started with --auth-read needs the login to list and to
// download: the re-run's look-ups carry it (same host) and recognise both
// files; an index-url on another host gets no credentials.
func TestIndexServers_loginToRead(t *testing.T) {
	t.Parallel()
	srv := startIndexServer(t, "pypiserver-auth-read")
	name := uniqueProject(t)
	ws := newWorkspace(t)
	wheel, sdist := release(t, filepath.Join(ws, "dist"), name, "1.0", "a")
	if r := runAction(t, ws, srv.env()); r.Code != 0 {
		t.Fatalf("publish: exit %d", r.Code)
	}
	sameBytes(t, pipDownload(t, srv.Simple, srv.User, srv.Password, name, "1.0", true), wheel)
	r := runAction(t, ws, srv.env())
	if r.Code != 0 {
		t.Fatalf("re-run: exit %d", r.Code)
	}
	wantStatuses(t, r, map[string]string{filepath.Base(wheel): "skipped-identical", filepath.Base(sdist): "skipped-identical"})

	// localhost is another host for the credentials' purposes.
	other := strings.Replace(srv.Simple, "127.0.0.1", "localhost", 1)
	r = runAction(t, ws, srv.env("index-url", other))
	if r.Code != 1 {
		t.Fatalf("index-url on another host: exit %d, want 1 (the look-up gets 401, the upload 409)", r.Code)
	}
	mustContain(t, r, "::warning title=Existing-file check unavailable::", "401")
}

// A wrong password: the error names the likely causes for the server;
// with user __token__ it says that this index wants a user name.
func TestIndexServers_wrongLogin(t *testing.T) {
	t.Parallel()
	cases := []struct {
		kind, user string
		log        []string
	}{
		{"pypiserver", "", []string{"::error title=Upload failed (UP-23)::", "403 Forbidden", "htpasswd"}},
		{"devpi", "", []string{"::error title=Upload failed (UP-23)::", "401 This server could not verify that you are authorized", "devpi wants a devpi user's name and password"}},
		{"devpi", "__token__", []string{"::error title=Upload failed (UP-23)::", "user is __token__"}},
	}
	for _, tc := range cases {
		t.Run(tc.kind+"_"+tc.user, func(t *testing.T) {
			t.Parallel()
			srv := startIndexServer(t, tc.kind)
			ws := newWorkspace(t)
			release(t, filepath.Join(ws, "dist"), uniqueProject(t), "1.0", "a")
			env := srv.env("password", "wrong-password")
			if tc.user != "" {
				env.Inputs["user"] = tc.user
			}
			r := runAction(t, ws, env)
			if r.Code != 1 {
				t.Fatalf("exit %d, want 1", r.Code)
			}
			mustContain(t, r, tc.log...)
			if strings.Contains(r.Output(), "None") || strings.Contains(r.Output(), "background-color") {
				t.Error("the message repeats pypiserver's HTML (None, CSS)")
			}
			if n := strings.Count(r.Output(), "::warning title=Retrying"); n != 0 {
				t.Errorf("%d retries of a refused login, want 0", n)
			}
		})
	}
}

// A wrong path: the error shows what an upload URL looks like; a simple
// API URL is answered with the upload URL, never with "…/+simple/".
func TestIndexServers_wrongPath(t *testing.T) {
	t.Parallel()
	cases := []struct {
		kind, path string
		log        []string
		noLog      []string
	}{
		{"devpi", "/user/nope/", []string{"::error title=Upload failed (UP-24)::", "The stage user/nope could not be found.", "devpi: https://<host>/<user>/<index>/"}, nil},
		{"devpi", "/user/dev/+simple", []string{"::error title=Upload failed (UP-19)::", "the upload URL is probably http://127.0.0.1:%d/user/dev/."}, []string{"missing its trailing slash"}},
		{"pypiserver", "/legacy/", []string{"::error title=Upload failed (UP-18)::", "405 Method not allowed."}, nil},
		{"pypiserver", "/simple/", []string{"::error title=Upload failed (UP-18)::", "the upload URL is probably http://127.0.0.1:%d/."}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.kind+strings.ReplaceAll(tc.path, "/", "_"), func(t *testing.T) {
			t.Parallel()
			srv := startIndexServer(t, tc.kind)
			ws := newWorkspace(t)
			release(t, filepath.Join(ws, "dist"), uniqueProject(t), "1.0", "a")
			r := runAction(t, ws, srv.env("repository-url", srv.base()+tc.path))
			if r.Code != 1 {
				t.Fatalf("exit %d, want 1", r.Code)
			}
			for _, l := range tc.log {
				if strings.Contains(l, "%d") {
					l = fmt.Sprintf(l, srv.Port)
				}
				mustContain(t, r, l)
			}
			for _, l := range tc.noLog {
				if strings.Contains(r.Output(), l) {
					t.Errorf("output holds %q", l)
				}
			}
		})
	}
}

// https:// against a plain-http server is recognised on the first failure
// and not retried.
func TestIndexServers_httpsToPlainHTTP(t *testing.T) {
	t.Parallel()
	srv := startIndexServer(t, "pypiserver")
	ws := newWorkspace(t)
	release(t, filepath.Join(ws, "dist"), uniqueProject(t), "1.0", "a")
	r := runAction(t, ws, srv.env("repository-url", strings.Replace(srv.URL, "http://", "https://", 1)))
	if r.Code != 1 {
		t.Fatalf("exit %d, want 1", r.Code)
	}
	mustContain(t, r, "::error title=Upload failed (UP-26)::", "Use http:// in repository-url")
	if strings.Contains(r.Output(), "Retrying") || strings.Contains(r.Output(), "gave up after") {
		t.Error("a scheme mismatch was retried")
	}
}

// concurrency: 4 with seven files: all arrive, each with the local
// SHA-256 as the server computed it.
func TestIndexServers_concurrency(t *testing.T) {
	t.Parallel()
	onEachServer(t, func(t *testing.T, srv *indexServer, name string) {
		ws := newWorkspace(t)
		dir := filepath.Join(ws, "dist")
		_, sdist := release(t, dir, name, "1.0", "a")
		local := map[string]string{filepath.Base(sdist): fileSHA256(t, sdist)}
		m := baseMeta("2.1").with("Name", name).with("Version", "1.0")
		for _, tag := range []string{"py3-none-any", "py2.py3-none-any", "py38-none-any", "py39-none-any", "py310-none-any", "py311-none-any"} {
			f := genFile{Filename: wheelName(name, "1.0", tag), Kind: dist.Wheel, Meta: m}
			p := f.write(t, dir)
			local[f.Filename] = fileSHA256(t, p)
		}
		r := runAction(t, ws, srv.env("concurrency", "4"))
		if r.Code != 0 {
			t.Fatalf("exit %d", r.Code)
		}
		for f, st := range statuses(t, r) {
			if st != "uploaded" {
				t.Errorf("%s: %s, want uploaded", f, st)
			}
		}
		idx, err := publish.NewIndex(srv.Simple)
		if err != nil {
			t.Fatal(err)
		}
		listed, err := idx.Files(t.Context(), name, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, f := range listed {
			got[f.Filename] = f.SHA256
		}
		for f, sha := range local {
			if got[f] != sha {
				t.Errorf("%s: index sha256 %q, local %q", f, got[f], sha)
			}
		}
		// The re-run: seven files skipped, one notice (GitHub shows ten
		// per step; this used to be fifteen).
		r = runAction(t, ws, srv.env("concurrency", "4"))
		if r.Code != 0 {
			t.Fatalf("re-run: exit %d", r.Code)
		}
		if n := annotations(r, "notice"); len(n) != 1 || !strings.Contains(n[0], "Nothing was uploaded: all 7 files are already on the index") {
			t.Errorf("re-run notices %q, want the one final line", n)
		}
	})
}

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
