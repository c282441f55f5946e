package test

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"github.com/pypi-publish/pypi-publish/internal/hostile"
	"github.com/pypi-publish/pypi-publish/internal/secret"
	"github.com/pypi-publish/pypi-publish/oidc/oidctest"
	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

// This file is issue 12's hostile suite end to end: each attack listed
// under the "Why" against the binary, asserting the exact set of
// workflow commands in the log and that no secret appears anywhere but in
// its ::add-mask:: line (stdout, stderr, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY
// and every file the run wrote). docs/security.md maps each attack to its
// test here.

// runnerCommands are the commands GitHub's runner registers
// (actions/runner ActionCommandManager and its extensions).
var runnerCommands = map[string]bool{
	"add-mask": true, "add-matcher": true, "remove-matcher": true, "add-path": true, "set-env": true,
	"set-output": true, "save-state": true, "debug": true, "warning": true, "error": true, "notice": true,
	"group": true, "endgroup": true, "echo": true, "stop-commands": true, "internal-set-repo-path": true,
}

// workflowCommands returns the commands the runner would obey in log, as
// the runner parses them (a line that starts with "::" after white space,
// or "##[name]" anywhere): "name" or "name title=T", sorted and unique.
func workflowCommands(log string) []string {
	seen := map[string]bool{}
	for _, line := range strings.Split(log, "\n") {
		if cmd := v2Command(line); cmd != "" {
			seen[cmd] = true
		}
		if i := strings.Index(line, "##["); i >= 0 {
			if end := strings.Index(line[i:], "]"); end > 0 {
				name, _, _ := strings.Cut(line[i+3:i+end], " ")
				if runnerCommands[strings.ToLower(name)] {
					seen["##["+name+"]"] = true
				}
			}
		}
	}
	out := make([]string, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// v2Command parses one line as the runner's "::name props::data" syntax.
func v2Command(line string) string {
	t := strings.TrimLeftFunc(line, unicode.IsSpace)
	if !strings.HasPrefix(t, "::") {
		return ""
	}
	end := strings.Index(t[2:], "::")
	if end < 0 {
		return ""
	}
	info := t[2 : 2+end]
	name, props, _ := strings.Cut(info, " ")
	if !runnerCommands[strings.ToLower(name)] {
		return ""
	}
	for _, p := range strings.Split(props, ",") {
		if k, v, ok := strings.Cut(p, "="); ok && k == "title" {
			return name + " title=" + strings.NewReplacer("%3A", ":", "%2C", ",", "%25", "%").Replace(v)
		}
	}
	return name
}

// hostileSecrets returns every secret of a hostile run with the forms a
// leak could take: as is, base64 of __token__:password, the parts of each
// JWT.
func hostileSecrets(hs *hostile.Server, passwords ...string) []string {
	var out []string
	add := func(s string) {
		if len(s) >= secret.MinLength {
			out = append(out, secret.Forms(s)...)
		}
	}
	for _, s := range append(hs.Secrets(), passwords...) {
		add(s)
	}
	for _, p := range passwords {
		add(base64.StdEncoding.EncodeToString([]byte("__token__:" + p)))
	}
	return out
}

// checkNoSecret fails when any secret, or its first 12 characters (a
// secret cut short), appears outside an ::add-mask:: line of the log, in
// the outputs file, the summary or any file under the workspace that the
// test did not put there.
func checkNoSecret(t *testing.T, r *Run, secrets []string, own map[string]bool) {
	t.Helper()
	texts := map[string]string{"stdout": r.Stdout, "stderr": r.Stderr, "summary": r.Summary, "GITHUB_OUTPUT": r.OutputsRaw}
	_ = filepath.WalkDir(r.Workspace, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || own[filepath.Base(p)] {
			return nil
		}
		if b, err := os.ReadFile(p); err == nil {
			texts[p] = string(b)
		}
		return nil
	})
	for name, text := range texts {
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, "::add-mask::") {
				continue
			}
			for _, s := range secrets {
				probe := s
				if len(s) >= 16 {
					probe = s[:12]
				}
				if strings.Contains(line, probe) {
					t.Errorf("secret %.6s… leaked in %s: %q", s, name, line)
				}
			}
		}
	}
}

// masks returns the values of the ::add-mask:: lines.
func masks(r *Run) []string {
	var out []string
	for _, line := range strings.Split(r.Stdout, "\n") {
		if v, ok := strings.CutPrefix(line, "::add-mask::"); ok {
			out = append(out, v)
		}
	}
	return out
}

// checkCommands compares the run's workflow commands with want.
func checkCommands(t *testing.T, r *Run, want []string) {
	t.Helper()
	sort.Strings(want)
	got := workflowCommands(r.Output())
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("workflow commands mismatch (-want +got):\n%s\ngot: %q", diff, got)
	}
	for _, m := range masks(r) {
		if len(m) < 8 {
			t.Errorf("mask of a short value %q: it would hide every occurrence in the log", m)
		}
	}
}

// tokenEnv is an API-token run against hs.
func tokenEnv(hs *hostile.Server) Env {
	return Env{
		Inputs: map[string]string{"repository-url": hs.UploadURL(), "password": testToken},
		Files:  demoFiles(),
	}
}

// tpHostileEnv is a trusted-publishing run against hs (attestations off).
func tpHostileEnv(hs *hostile.Server, kind string) Env {
	return Env{
		Inputs: map[string]string{"repository-url": hs.UploadURL(), "attestations": "false"},
		Vars:   githubVars(hs.TokenURL(), hs.GitHub.RequestToken(), kind),
		Files:  demoFiles(),
	}
}

// newHostile starts a hostile index that trusts this workflow.
func newHostile(t *testing.T, modes map[hostile.Endpoint]hostile.Mode) *hostile.Server {
	t.Helper()
	return hostile.New(t, hostile.Options{Index: []oidctest.IndexOption{oidctest.WithPublishers(tpPublisher)}, Modes: modes})
}

// ownFiles are the files a test put in the workspace (not scanned).
var ownFiles = map[string]bool{demoWheel: true, demoSdist: true}

// TestHostile_commandsInUploadAnswer: an upload answer (body and reason
// phrase) full of workflow commands and Markdown, printed because verbose
// is on by default, stays data: the log holds only the commands the action
// writes, and ::add-mask::OK is not one of them.
func TestHostile_commandsInUploadAnswer(t *testing.T) {
	t.Parallel()
	cases := []struct {
		attack hostile.Attack
		shown  string // how the answer shows in the log
	}{
		// The reason phrase is the answer's text (devpi says what
		// happened there).
		{hostile.Inject, `index answer: 200 OK: Bad ::error title=Pwned::reason #\#[error]v1 <b>bold</b>`},
		// With the standard reason phrase, the body is.
		{hostile.InjectBody, `index answer: 200 OK: OK\n::add-mask::OK\n::error title=Pwned::injected by the index\n::stop-commands::zzz\n#\#[warning]old syntax`},
	}
	for _, tc := range cases {
		hs := newHostile(t, map[hostile.Endpoint]hostile.Mode{hostile.Upload: {Attack: tc.attack, Status: 200}})
		r := runAction(t, newWorkspace(t), tokenEnv(hs))
		if r.Code != 0 {
			t.Fatalf("exit code = %d, want 0", r.Code)
		}
		checkCommands(t, r, []string{"add-mask", "debug", "group", "endgroup"})
		checkNoSecret(t, r, hostileSecrets(hs, testToken), ownFiles)
		if !strings.Contains(r.Stdout, tc.shown) {
			t.Errorf("the answer is not shown as escaped data %q:\n%s", tc.shown, r.Stdout)
		}
	}
}

// TestHostile_commandsInDistribution: a wheel whose file name, and a wheel
// whose metadata (a folded Classifier), carry workflow commands are
// refused by the checks; the names and values show as data in the problems
// table, the annotations and the summary, never as commands.
func TestHostile_commandsInDistribution(t *testing.T) {
	t.Parallel()
	evilName := "evil-1.0-py3-none-any\n::error title=FN::injected by a file name\n::stop-commands::zz.whl"
	meta := baseMeta("2.1").with("Classifier", "Bogus :: Thing\n ::error title=Meta::injected by metadata\n ::stop-commands::zz\n ##[error]v1")
	cases := []struct {
		name string
		file func(t *testing.T, ws string)
		want []string
	}{
		{"file_name", func(t *testing.T, ws string) {
			copyFile(t, demoDist(demoWheel), filepath.Join(ws, "dist", evilName))
		}, []string{"add-mask", "debug", "group", "endgroup", "error title=Distributions would be rejected"}},
		{"metadata", func(t *testing.T, ws string) {
			wheelFile(meta).write(t, filepath.Join(ws, "dist"))
		}, []string{"add-mask", "debug", "group", "endgroup", "error title=Distributions would be rejected"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hs := newHostile(t, nil)
			ws := newWorkspace(t)
			tc.file(t, ws)
			env := tokenEnv(hs)
			env.Files = nil
			env.Vars = map[string]string{"PYPI_PUBLISH_INDEX_KIND": "pypi"}
			r := runAction(t, ws, env)
			if r.Code != 1 {
				t.Fatalf("exit code = %d, want 1 (the checks refuse it)", r.Code)
			}
			checkCommands(t, r, tc.want)
			checkNoSecret(t, r, hostileSecrets(hs, testToken), map[string]bool{filepath.Base(evilName): true, wheelFile(meta).Filename: true})
			if n := hs.Count(hostile.Upload); n != 0 {
				t.Errorf("%d uploads, want none", n)
			}
		})
	}
}

// TestHostile_stopCommandsInTrustedPublishing: the index's answer tries
// ::stop-commands:: in a trusted-publishing run; were it obeyed, later
// masks would be ignored and the tokens printed. The JWTs, the request
// token and the minted tokens appear only in their masks.
func TestHostile_stopCommandsInTrustedPublishing(t *testing.T) {
	t.Parallel()
	hs := newHostile(t, map[hostile.Endpoint]hostile.Mode{hostile.Upload: {Attack: hostile.Inject}})
	r := runAction(t, newWorkspace(t), tpHostileEnv(hs, "pypi"))
	if r.Code != 0 {
		t.Fatalf("exit code = %d, want 0", r.Code)
	}
	checkCommands(t, r, []string{"add-mask", "debug", "group", "endgroup"})
	checkNoSecret(t, r, hostileSecrets(hs), ownFiles)
	for _, s := range hs.Secrets() {
		if !strings.Contains(r.Stdout, "::add-mask::"+s+"\n") {
			t.Errorf("secret %.6s… was never masked", s)
		}
	}
	if n := hs.Count(hostile.Burn); n != 1 {
		t.Errorf("burn requests = %d, want 1", n)
	}
}

// TestHostile_echoedSecrets: an index, a mint endpoint or GitHub's token
// service that echoes the credentials it received (in JSON, text, HTML or
// the reason phrase) gets them back nowhere: not in annotations, debug
// lines, the summary or the outputs. The JWT echoed by mint-token is longer
// than the 300 characters an excerpt keeps: it is scrubbed before the cut.
func TestHostile_echoedSecrets(t *testing.T) {
	t.Parallel()
	uploadErr := []string{"add-mask", "debug", "group", "endgroup", "error title=Upload failed (UP-14)"}
	cases := []struct {
		name string
		ep   hostile.Endpoint
		mode hostile.Mode
		tp   bool
		want []string
	}{
		{"upload_json", hostile.Upload, hostile.Mode{Attack: hostile.EchoJSON}, false, uploadErr},
		{"upload_text", hostile.Upload, hostile.Mode{Attack: hostile.EchoText}, false, uploadErr},
		{"upload_html", hostile.Upload, hostile.Mode{Attack: hostile.EchoHTML}, false, uploadErr},
		{"upload_reason", hostile.Upload, hostile.Mode{Attack: hostile.EchoReason}, false, uploadErr},
		{"upload_403_json", hostile.Upload, hostile.Mode{Attack: hostile.EchoJSON, Status: 403}, false,
			[]string{"add-mask", "debug", "group", "endgroup", "error title=Upload failed (UP-23)"}},
		{"mint_json", hostile.Mint, hostile.Mode{Attack: hostile.EchoJSON}, true,
			[]string{"add-mask", "debug", "group", "endgroup", "error title=Trusted publishing failed (TP-10)"}},
		{"mint_text", hostile.Mint, hostile.Mode{Attack: hostile.EchoText}, true,
			[]string{"add-mask", "debug", "group", "endgroup", "error title=Trusted publishing failed (TP-11)"}},
		{"mint_html", hostile.Mint, hostile.Mode{Attack: hostile.EchoHTML}, true,
			[]string{"add-mask", "debug", "group", "endgroup", "error title=Trusted publishing failed (TP-11)"}},
		{"token_service_json", hostile.Token, hostile.Mode{Attack: hostile.EchoJSON, Status: 500}, true,
			[]string{"add-mask", "debug", "group", "endgroup", "error title=Trusted publishing failed (TP-09)"}},
		{"token_service_text", hostile.Token, hostile.Mode{Attack: hostile.EchoText, Status: 401}, true,
			[]string{"add-mask", "debug", "group", "endgroup", "error title=Trusted publishing failed (TP-09)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hs := newHostile(t, map[hostile.Endpoint]hostile.Mode{tc.ep: tc.mode})
			env, pw := tokenEnv(hs), []string{testToken}
			if tc.tp {
				env, pw = tpHostileEnv(hs, "other"), nil
			}
			r := runAction(t, newWorkspace(t), env)
			if r.Code != 1 {
				t.Fatalf("exit code = %d, want 1", r.Code)
			}
			checkCommands(t, r, tc.want)
			checkNoSecret(t, r, hostileSecrets(hs, pw...), ownFiles)
		})
	}
}

// TestHostile_waits: trusted-publishing endpoints that trickle their body
// or never answer, and GitHub's token service doing the same, end the run
// with a TP error once the request deadline (or the 2-minute total, here
// shortened through hooks) runs out. Times are logged, never asserted.
func TestHostile_waits(t *testing.T) {
	t.Parallel()
	tp8 := []string{"add-mask", "debug", "group", "endgroup", "error title=Trusted publishing failed (TP-08)"}
	tp9 := []string{"add-mask", "debug", "group", "endgroup", "error title=Trusted publishing failed (TP-09)"}
	cases := []struct {
		name string
		ep   hostile.Endpoint
		mode hostile.Mode
		want []string
	}{
		{"audience_trickles", hostile.Audience, hostile.Mode{Attack: hostile.Trickle, Interval: 20 * time.Millisecond}, tp8},
		{"audience_silent", hostile.Audience, hostile.Mode{Attack: hostile.Hang}, tp8},
		{"mint_trickles", hostile.Mint, hostile.Mode{Attack: hostile.Trickle, Interval: 20 * time.Millisecond}, tp8},
		{"mint_silent", hostile.Mint, hostile.Mode{Attack: hostile.Hang}, tp8},
		{"token_service_trickles", hostile.Token, hostile.Mode{Attack: hostile.Trickle, Interval: 20 * time.Millisecond}, tp9},
		{"token_service_silent", hostile.Token, hostile.Mode{Attack: hostile.Hang}, tp9},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hs := newHostile(t, map[hostile.Endpoint]hostile.Mode{tc.ep: tc.mode})
			env := tpHostileEnv(hs, "pypi")
			// Deadlines short enough for a fast suite, long enough that
			// the endpoints that behave answer in time on a loaded machine.
			env.Vars["PYPI_PUBLISH_REQUEST_TIMEOUT"] = "1s"
			env.Vars["PYPI_PUBLISH_TP_TIMEOUT"] = "5s"
			r := runAction(t, newWorkspace(t), env)
			t.Logf("%s: the run ended after %v (request deadline 1s, total 5s)", tc.name, r.Took.Round(time.Millisecond))
			if r.Code != 1 {
				t.Fatalf("exit code = %d, want 1", r.Code)
			}
			checkCommands(t, r, tc.want)
			checkNoSecret(t, r, hostileSecrets(hs), ownFiles)
			if errs := annotations(r, "error"); len(errs) != 1 || !strings.Contains(errs[0], "within") {
				t.Errorf("error = %q, want one that says the answer did not come within the deadline", errs)
			}
			if !strings.Contains(r.OutputsRaw, "trusted-publishing") {
				t.Errorf("outputs not written")
			}
		})
	}
}

// TestHostile_burn: a burn-token endpoint that never answers no longer
// keeps a finished run alive: the burn comes after the outputs and the
// summary, gives up after its deadline (shortened by a hook), and SIGTERM
// ends it at once.
func TestHostile_burn(t *testing.T) {
	t.Parallel()
	t.Run("deadline", func(t *testing.T) {
		t.Parallel()
		hs := newHostile(t, map[hostile.Endpoint]hostile.Mode{hostile.Burn: {Attack: hostile.Hang}})
		env := tpHostileEnv(hs, "pypi")
		env.Vars["PYPI_PUBLISH_BURN_TIMEOUT"] = "300ms"
		r := runAction(t, newWorkspace(t), env)
		t.Logf("the run ended after %v (burn deadline 300ms)", r.Took.Round(time.Millisecond))
		if r.Code != 0 {
			t.Fatalf("exit code = %d, want 0", r.Code)
		}
		if r.Outputs["trusted-publishing"] != "true" || !strings.Contains(r.Summary, "Published to PyPI") {
			t.Errorf("outputs or summary missing: %q / %q", r.Outputs, r.Summary)
		}
		checkCommands(t, r, []string{"add-mask", "debug", "group", "endgroup"})
		checkNoSecret(t, r, hostileSecrets(hs), ownFiles)
		if !strings.Contains(r.Stdout, "could not revoke the trusted-publishing token") {
			t.Errorf("no debug line about the failed burn")
		}
	})
	t.Run("sigterm", func(t *testing.T) {
		t.Parallel()
		hs := newHostile(t, map[hostile.Endpoint]hostile.Mode{hostile.Burn: {Attack: hostile.Hang}})
		env := tpHostileEnv(hs, "pypi")
		env.Vars["PYPI_PUBLISH_BURN_TIMEOUT"] = "1m"
		s := startAction(t, newWorkspace(t), env)
		deadline := time.Now().Add(time.Minute)
		for (hs.Count(hostile.Burn) == 0 || !s.OutputsWritten()) && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if !s.OutputsWritten() {
			t.Fatal("the outputs were not written before the burn")
		}
		sent := time.Now()
		s.Signal(syscall.SIGTERM)
		r := s.Wait()
		t.Logf("exited %v after SIGTERM (burn deadline 1m)", time.Since(sent).Round(time.Millisecond))
		if r.Code != 0 {
			t.Errorf("exit code = %d, want 0: the publish had succeeded", r.Code)
		}
		if r.Outputs["uploaded-files"] == "" || r.Outputs["trusted-publishing"] != "true" {
			t.Errorf("outputs = %q", r.Outputs)
		}
		checkNoSecret(t, r, hostileSecrets(hs), ownFiles)
	})
}

// TestHostile_carelessConfiguration: credentials written into
// repository-url are refused with a fix that names user and password, and
// printed nowhere (not in the debug line of the inputs, the trailing-slash
// warning or the summary); a token swallowed by a bare boolean flag
// (--repository-url --password=pypi-…), or given to a boolean input, is
// masked and never quoted (the odd-boolean warning printed it).
func TestHostile_carelessConfiguration(t *testing.T) {
	t.Parallel()
	const pw = "s3cret-Passw0rd-in-the-url"
	t.Run("password_in_repository_url", func(t *testing.T) {
		t.Parallel()
		hs := newHostile(t, nil)
		u := strings.Replace(hs.UploadURL(), "http://", "http://alice:"+pw+"@", 1)
		env := Env{Inputs: map[string]string{"repository-url": strings.TrimSuffix(u, "/")}, Files: demoFiles(), Secrets: []string{pw}}
		r := runAction(t, newWorkspace(t), env)
		if r.Code != 1 {
			t.Fatalf("exit code = %d, want 1", r.Code)
		}
		checkCommands(t, r, []string{"add-mask", "debug", "error title=Invalid inputs"})
		checkNoSecret(t, r, hostileSecrets(hs, pw, "alice:"+pw), ownFiles)
		errs := annotations(r, "error")
		if len(errs) != 1 || !strings.Contains(errs[0], "user and password inputs") || !strings.Contains(errs[0], "IN-09") {
			t.Errorf("error = %q, want IN-09 naming the user and password inputs", errs)
		}
		if n := len(hs.Requests()); n != 0 {
			t.Errorf("the index got %d requests, want none", n)
		}
	})
	t.Run("token_in_a_boolean_input", func(t *testing.T) {
		t.Parallel()
		hs := newHostile(t, nil)
		env := Env{Inputs: map[string]string{"repository-url": hs.UploadURL(), "dry-run": testToken}, Files: demoFiles(), Secrets: []string{testToken}}
		r := runAction(t, newWorkspace(t), env)
		checkNoSecret(t, r, hostileSecrets(hs, testToken), ownFiles)
		warns := strings.Join(annotations(r, "warning"), "\n")
		if !strings.Contains(warns, "dry-run (value not shown") {
			t.Errorf("warnings = %q, want the odd dry-run value not shown", warns)
		}
		if !strings.Contains(r.Stdout, "::add-mask::"+testToken+"\n") {
			t.Errorf("the value was not masked")
		}
	})
	t.Run("token_swallowed_by_a_flag", func(t *testing.T) {
		t.Parallel()
		hs := newHostile(t, nil)
		env := Env{Files: demoFiles(), Args: []string{"--repository-url", "--password=" + testToken}, Secrets: []string{testToken}}
		r := runAction(t, newWorkspace(t), env)
		if r.Code == 0 {
			t.Errorf("exit code = 0, want a failure: repository-url is not a URL")
		}
		checkNoSecret(t, r, hostileSecrets(hs, testToken), ownFiles)
	})
}

// TestHostile_mintedTokenShape: a mint endpoint that answers a token "p"
// (which, masked, would hide every "p" of the log) or one with a line
// break is refused before it is masked or used (TP-12).
func TestHostile_mintedTokenShape(t *testing.T) {
	t.Parallel()
	for _, tok := range []string{"p", "pypi-abc\ndef", "not-a-pypi-token-but-long-enough-0123456789"} {
		t.Run(strings.Fields(tok)[0], func(t *testing.T) {
			t.Parallel()
			hs := newHostile(t, map[hostile.Endpoint]hostile.Mode{hostile.Mint: {Attack: hostile.BadToken, Value: tok}})
			r := runAction(t, newWorkspace(t), tpHostileEnv(hs, "pypi"))
			if r.Code != 1 {
				t.Fatalf("exit code = %d, want 1", r.Code)
			}
			checkCommands(t, r, []string{"add-mask", "debug", "group", "endgroup", "error title=Trusted publishing failed (TP-12)"})
			checkNoSecret(t, r, hostileSecrets(hs), ownFiles)
			for _, m := range masks(r) {
				if m == tok || strings.HasPrefix(m, "pypi-abc") || strings.HasPrefix(m, "not-a-pypi") {
					t.Errorf("the refused token was masked: %q", m)
				}
			}
			if n := hs.Count(hostile.Upload); n != 0 {
				t.Errorf("%d uploads with the refused token", n)
			}
		})
	}
}

// TestHostile_attestationSymlink: a pull request that plants
// "<dist>.publish.attestation" as a symbolic link to a file outside the
// workspace, or makes the distributions' directory a link to one, gets a
// clear refusal; nothing is written through the link or outside the
// workspace, and nothing is uploaded.
func TestHostile_attestationSymlink(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		setup func(t *testing.T, ws, outside string) (env Env, want string)
		title []string
	}{
		{"link_to_a_file_outside", func(t *testing.T, ws, outside string) (Env, string) {
			target := filepath.Join(outside, "bashrc")
			if err := os.WriteFile(target, []byte("original"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, filepath.Join(ws, "dist", demoWheel+".publish.attestation")); err != nil {
				t.Fatal(err)
			}
			return Env{Files: demoFiles()}, "symbolic link"
		}, []string{"error title=Attestations failed (AT-04)"}},
		{"dangling_link", func(t *testing.T, ws, outside string) (Env, string) {
			if err := os.Symlink(filepath.Join(outside, "new-file"), filepath.Join(ws, "dist", demoSdist+".publish.attestation")); err != nil {
				t.Fatal(err)
			}
			return Env{Files: demoFiles()}, "symbolic link"
			// The broken link is also reported as an unrelated file (DS-06).
		}, []string{"error title=Attestations failed (AT-04)", "warning title=Unrelated files ignored"}},
		{"directory_link_outside", func(t *testing.T, ws, outside string) (Env, string) {
			if err := os.Remove(filepath.Join(ws, "dist")); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, filepath.Join(ws, "dist")); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{demoWheel, demoSdist} {
				copyFile(t, demoDist(f), filepath.Join(outside, f))
			}
			return Env{}, "outside the workspace"
		}, []string{"error title=Attestations failed (AT-09)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sf := newSigstoreFakes(t)
			hs := newHostile(t, nil)
			ws, outside := newWorkspace(t), t.TempDir()
			files, want := tc.setup(t, ws, outside)
			env := tpHostileEnv(hs, "pypi")
			env.Files = files.Files
			env.Inputs["attestations"] = "true"
			env.Vars["PYPI_PUBLISH_FULCIO_URL"] = sf.Fulcio.URL
			env.Vars["PYPI_PUBLISH_REKOR_URL"] = sf.Rekor.URL
			env.Vars["PYPI_PUBLISH_TRUSTED_ROOT"] = sf.RootPath
			before := listDir(t, outside)
			r := runAction(t, ws, env)
			if r.Code != 1 {
				t.Fatalf("exit code = %d, want 1", r.Code)
			}
			checkCommands(t, r, append([]string{"add-mask", "debug", "group", "endgroup"}, tc.title...))
			checkNoSecret(t, r, hostileSecrets(hs), ownFiles)
			if errs := annotations(r, "error"); len(errs) != 1 || !strings.Contains(errs[0], want) {
				t.Errorf("error = %q, want one saying %q", errs, want)
			}
			if diff := cmp.Diff(before, listDir(t, outside)); diff != "" {
				t.Errorf("the directory outside the workspace changed (-before +after):\n%s", diff)
			}
			if n := hs.Count(hostile.Upload); n != 0 {
				t.Errorf("%d uploads, want none", n)
			}
		})
	}
}

// listDir returns the names and contents of the files in dir.
func listDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		out[e.Name()] = string(b)
	}
	return out
}

// TestHostile_markdownInSummary: a 400 answer with a heading, an image, a
// script and a link, and a file name with backticks, render as text in the
// step summary: the answer in a fenced block longer than any backtick run
// in it, the name as a code span, nothing else unescaped.
func TestHostile_markdownInSummary(t *testing.T) {
	t.Parallel()
	for _, a := range []hostile.Attack{hostile.Inject, hostile.InjectBody} {
		hs := newHostile(t, map[hostile.Endpoint]hostile.Mode{hostile.Upload: {Attack: a, Status: 400}})
		r := runAction(t, newWorkspace(t), tokenEnv(hs))
		if r.Code != 1 {
			t.Fatalf("exit code = %d, want 1", r.Code)
		}
		checkCommands(t, r, []string{"add-mask", "debug", "group", "endgroup", "error title=Upload failed (UP-14)"})
		checkSummaryInert(t, r.Summary)
	}
	hs := newHostile(t, nil)

	ws := newWorkspace(t)
	evil := "evil`name`|<img src=x>-1.0.tar.gz"
	copyFile(t, demoDist(demoSdist), filepath.Join(ws, "dist", evil))
	r2 := runAction(t, ws, Env{Inputs: map[string]string{"repository-url": hs.UploadURL(), "password": testToken}})
	if r2.Code != 1 {
		t.Fatalf("exit code = %d, want 1 (the checks refuse the name)", r2.Code)
	}
	if !strings.Contains(r2.Summary, "| ``evil`name`\\|<img src=x>-1.0.tar.gz`` |") {
		t.Errorf("the file name is not one code span in its cell:\n%s", r2.Summary)
	}
	checkSummaryInert(t, r2.Summary)
}

// checkSummaryInert fails when, outside code spans and fenced blocks, the
// summary has an unescaped "<" or "[", or a heading that is not ours.
func checkSummaryInert(t *testing.T, md string) {
	t.Helper()
	var outside []string
	fence := ""
	for _, line := range strings.Split(md, "\n") {
		switch {
		case fence != "" && strings.TrimSpace(line) == fence:
			fence = ""
			continue
		case fence != "":
			continue
		case strings.HasPrefix(line, "```"):
			fence = strings.TrimSuffix(line, "text")
			continue
		}
		outside = append(outside, stripCode(line))
	}
	for _, line := range outside {
		for i := 0; i < len(line); i++ {
			if (line[i] == '<' || line[i] == '[') && (i == 0 || line[i-1] != '\\') && !strings.HasPrefix(line[i:], "[release](") {
				t.Errorf("unescaped %q in the summary: %q", line[i], line)
				break
			}
		}
		if strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "## pypi-publish: ") && !strings.HasPrefix(line, "### ") {
			t.Errorf("a heading that is not ours: %q", line)
		}
	}
}

// stripCode removes the code spans of a line (GitHub's code spans: a run of
// backticks up to the same run).
func stripCode(line string) string {
	var b strings.Builder
	for i := 0; i < len(line); {
		if line[i] != '`' {
			b.WriteByte(line[i])
			i++
			continue
		}
		n := 0
		for i+n < len(line) && line[i+n] == '`' {
			n++
		}
		fence := line[i : i+n]
		end := strings.Index(line[i+n:], fence)
		if end < 0 {
			b.WriteString(line[i:])
			break
		}
		i += n + end + n
	}
	return b.String()
}

// TestHostile_redirectAndMalformed: a redirect to another host is never
// followed (the other host gets no request, so no credentials), and
// malformed JSON from the index or the audience endpoint is an error that
// quotes nothing raw.
func TestHostile_redirectAndMalformed(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		ep     hostile.Endpoint
		mode   hostile.Mode
		tp     bool
		index  bool // set index-url
		code   int
		want   []string
		simple bool
	}{
		{name: "upload_redirect", ep: hostile.Upload, mode: hostile.Mode{Attack: hostile.Redirect}, code: 1,
			want: []string{"add-mask", "debug", "group", "endgroup", "error title=Upload failed (UP-19)"}},
		// A cross-host redirect means "not on this index" (issue 17);
		// reading the upload back meets it again (VE-06).
		{name: "simple_redirect", ep: hostile.Simple, mode: hostile.Mode{Attack: hostile.Redirect}, index: true, code: 0,
			want: []string{"add-mask", "debug", "group", "endgroup", "warning title=Not verified (VE-06)"}},
		{name: "upload_malformed_json", ep: hostile.Upload, mode: hostile.Mode{Attack: hostile.Malformed, Status: 400}, code: 1,
			want: []string{"add-mask", "debug", "group", "endgroup", "error title=Upload failed (UP-14)"}},
		{name: "simple_malformed_json", ep: hostile.Simple, mode: hostile.Mode{Attack: hostile.Malformed}, index: true, code: 0,
			want: []string{"add-mask", "debug", "group", "endgroup", "warning title=Existing-file check unavailable", "warning title=Not verified (VE-06)"}},
		{name: "audience_malformed_json", ep: hostile.Audience, mode: hostile.Mode{Attack: hostile.Malformed}, tp: true, code: 1,
			want: []string{"add-mask", "debug", "group", "endgroup", "error title=Trusted publishing failed (TP-08)"}},
		{name: "mint_malformed_json", ep: hostile.Mint, mode: hostile.Mode{Attack: hostile.Malformed}, tp: true, code: 1,
			want: []string{"add-mask", "debug", "group", "endgroup", "error title=Trusted publishing failed (TP-11)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hs := newHostile(t, map[hostile.Endpoint]hostile.Mode{tc.ep: tc.mode})
			env, pw := tokenEnv(hs), []string{testToken}
			if tc.tp {
				env, pw = tpHostileEnv(hs, "other"), nil
			}
			if tc.index {
				env.Inputs["index-url"] = hs.SimpleURL()
			}
			r := runAction(t, newWorkspace(t), env)
			if r.Code != tc.code {
				t.Fatalf("exit code = %d, want %d", r.Code, tc.code)
			}
			checkCommands(t, r, tc.want)
			checkNoSecret(t, r, hostileSecrets(hs, pw...), ownFiles)
			if o := hs.OtherRequests(); len(o) != 0 {
				t.Errorf("the other host got %d requests (%+v), want none", len(o), o)
			}
		})
	}
}

// TestHostile_slowIndex: an index that reads the file, then takes longer
// than the idle timeout to answer, gets each file once (the idle timer
// stops when the file is sent); an index that stores the file and answers
// 503 gets "probably uploaded by the previous attempt" on the retry's
// "already exists", confirmed by hash when the simple API is known.
func TestHostile_slowIndex(t *testing.T) {
	t.Parallel()
	t.Run("answer_after_the_idle_timeout", func(t *testing.T) {
		t.Parallel()
		hs := newHostile(t, map[hostile.Endpoint]hostile.Mode{hostile.Upload: {Attack: hostile.Delay, Interval: 1500 * time.Millisecond}})
		env := tokenEnv(hs)
		env.Vars = map[string]string{"PYPI_PUBLISH_IDLE_TIMEOUT": "300ms"}
		r := runAction(t, newWorkspace(t), env)
		if r.Code != 0 {
			t.Fatalf("exit code = %d, want 0", r.Code)
		}
		if n := hs.Count(hostile.Upload); n != 2 {
			t.Errorf("%d upload requests for 2 files, want 2 (each file once)", n)
		}
		checkCommands(t, r, []string{"add-mask", "debug", "group", "endgroup"})
	})
	for _, withIndex := range []bool{false, true} {
		name := map[bool]string{false: "answer_lost_no_simple_api", true: "answer_lost_simple_api"}[withIndex]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			hs := hostile.New(t, hostile.Options{Publishtest: []publishtest.Option{publishtest.WithMode(publishtest.ThirdParty)}})
			hs.Index.Script(demoWheel, publishtest.AcceptThen503())
			env := tokenEnv(hs)
			want := []string{"add-mask", "debug", "group", "endgroup", "warning title=Upload retried", "warning title=Upload not confirmed (UP-29)"}
			if withIndex {
				env.Inputs["index-url"] = hs.SimpleURL()
				want = []string{"add-mask", "debug", "group", "endgroup", "warning title=Upload retried"}
			}
			r := runAction(t, newWorkspace(t), env)
			if r.Code != 0 {
				t.Fatalf("exit code = %d, want 0", r.Code)
			}
			checkCommands(t, r, want)
			if !strings.Contains(r.Stdout, "probably uploaded by the previous attempt") {
				t.Errorf("the log does not say the file was probably uploaded by the previous attempt")
			}
			if withIndex != strings.Contains(r.Stdout, "confirmed by hash: the index lists") || withIndex == strings.Contains(r.Stdout, "Not confirmed by hash") {
				t.Errorf("confirmed by hash = %t, want %t", !withIndex, withIndex)
			}
			if got := r.Outputs["uploaded-files"]; !strings.Contains(got, demoWheel) {
				t.Errorf("uploaded-files = %s, want the wheel", got)
			}
		})
	}
}

// TestHostile_runnerFiles: GITHUB_STEP_SUMMARY and GITHUB_OUTPUT that
// cannot be written (a directory, a path whose directory does not exist)
// are warnings; a successful publish still exits 0 (issue 11 made them
// warnings, issue 12 checks it against the hostile index).
func TestHostile_runnerFiles(t *testing.T) {
	t.Parallel()
	hs := newHostile(t, map[hostile.Endpoint]hostile.Mode{hostile.Upload: {Attack: hostile.Inject}})
	dir := t.TempDir()
	env := tokenEnv(hs)
	env.Vars = map[string]string{"GITHUB_STEP_SUMMARY": dir, "GITHUB_OUTPUT": filepath.Join(dir, "missing", "out")}
	r := runAction(t, newWorkspace(t), env)
	if r.Code != 0 {
		t.Fatalf("exit code = %d, want 0", r.Code)
	}
	checkCommands(t, r, []string{"add-mask", "debug", "group", "endgroup", "warning title=Outputs not written", "warning title=Step summary not written"})
	checkNoSecret(t, r, hostileSecrets(hs, testToken), ownFiles)
}

// TestHostile_answerSizes: a simple-API page of tiny entries, just under
// the old 64 MiB cap and 1 GiB, costs bounded memory (issue 12: 63 MiB took
// 1.6 GB); the peak resident memory of the binary is logged and must stay
// under 64 MiB. The bounded streaming decode is issue 17's
// (publish/index.go).
func TestHostile_answerSizes(t *testing.T) {
	t.Parallel()
	for _, size := range []int64{63 << 20, 1 << 30} {
		t.Run(report(size), func(t *testing.T) {
			t.Parallel()
			hs := newHostile(t, map[hostile.Endpoint]hostile.Mode{hostile.Simple: {Attack: hostile.Huge, Size: size}})
			env := tokenEnv(hs)
			env.Inputs["index-url"] = hs.SimpleURL()
			r := runAction(t, newWorkspace(t), env)
			t.Logf("simple page of %s: exit %d after %v, peak RSS %.1f MiB", report(size), r.Code, r.Took.Round(time.Millisecond), float64(r.MaxRSS)/(1<<20))
			checkNoSecret(t, r, hostileSecrets(hs, testToken), ownFiles)
			if r.Code != 0 {
				t.Errorf("exit code = %d, want 0 (the upload goes ahead)", r.Code)
			}
			// The whole process, Go runtime included, stays under the
			// 64 MiB the decoder alone may use (issue 12, item 7).
			if r.MaxRSS == 0 {
				t.Skip("peak memory is read from /proc (Linux)")
			}
			if r.MaxRSS > 64<<20 {
				t.Errorf("peak RSS %.0f MiB against a %s page, want under 64 MiB", float64(r.MaxRSS)/(1<<20), report(size))
			}
		})
	}
}

func report(n int64) string {
	if n >= 1<<30 {
		return "1GiB"
	}
	return strconv.FormatInt(n>>20, 10) + "MiB"
}

// TestHostile_proxy407: a proxy that wants credentials is asked once, not
// four times, and the error names the proxy. The upload path is issue
// 17's (publish/errors.go, hint.go); the trusted-publishing path is
// oidc's.
func TestHostile_proxy407(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	n := 0
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		mu.Unlock()
		w.Header().Set("Proxy-Authenticate", `Basic realm="proxy"`)
		w.WriteHeader(http.StatusProxyAuthRequired)
	}))
	t.Cleanup(proxy.Close)
	count := func() int { mu.Lock(); defer mu.Unlock(); return n }
	t.Run("trusted_publishing", func(t *testing.T) {
		hs := newHostile(t, nil)
		env := tpHostileEnv(hs, "other")
		env.Inputs["repository-url"] = "https://index.example/legacy/"
		env.Vars["HTTPS_PROXY"] = proxy.URL
		before := count()
		r := runAction(t, newWorkspace(t), env)
		if r.Code != 1 {
			t.Fatalf("exit code = %d, want 1", r.Code)
		}
		if got := count() - before; got != 1 {
			t.Errorf("the proxy got %d requests, want 1", got)
		}
		if errs := annotations(r, "error"); len(errs) != 1 || !strings.Contains(errs[0], "HTTPS_PROXY") {
			t.Errorf("error = %q, want the proxy hint", errs)
		}
	})
	t.Run("upload", func(t *testing.T) {
		hs := newHostile(t, nil)
		env := tokenEnv(hs)
		env.Inputs["repository-url"] = "https://index.example/legacy/"
		env.Vars = map[string]string{"HTTPS_PROXY": proxy.URL}
		before := count()
		r := runAction(t, newWorkspace(t), env)
		if r.Code != 1 {
			t.Fatalf("exit code = %d, want 1", r.Code)
		}
		got, errs := count()-before, annotations(r, "error")
		if got != 1 || len(errs) != 1 || !strings.Contains(strings.ToLower(errs[0]), "proxy") {
			t.Errorf("the proxy got %d requests, want 1; error %q, want a proxy hint", got, errs)
		}
	})
}

// TestHostile_skipExistingOnlyOnExists: with skip-existing, a 400 whose
// text merely contains "already exist" (here about a classifier) is an
// error, not an existing file. Recognising only the real indexes' "exists"
// answers is issue 17's (publish/errors.go).
func TestHostile_skipExistingOnlyOnExists(t *testing.T) {
	t.Parallel()
	hs := hostile.New(t, hostile.Options{Publishtest: []publishtest.Option{publishtest.WithMode(publishtest.ThirdParty)}})
	hs.Index.Script("*", publishtest.Fail(400, "Invalid value for classifiers. Error: 'Framework :: Foo' is not a valid classifier; a similar one already exists."))
	env := tokenEnv(hs)
	env.Inputs["skip-existing"] = "true"
	r := runAction(t, newWorkspace(t), env)
	checkNoSecret(t, r, hostileSecrets(hs, testToken), ownFiles)
	if r.Code != 1 {
		t.Fatalf("exit code = %d, want 1; skipped-files %s", r.Code, r.Outputs["skipped-files"])
	}
	checkCommands(t, r, []string{"add-mask", "debug", "group", "endgroup", "error title=Upload failed (UP-14)"})
}
