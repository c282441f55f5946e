package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sethvargo/go-githubactions"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/retry"
	"github.com/pypi-publish/pypi-publish/oidc"
	"github.com/pypi-publish/pypi-publish/publish"
)

// userError is an error meant for the person reading the workflow log: a
// short message and a fix for the one `::error::` annotation, and optional
// Markdown details for the step summary (action.md §12.1).
type userError struct {
	ID      string // situation ID from action.md, e.g. "DS-01"
	Title   string
	Msg     string
	Hint    string
	Details string
	Err     error
}

func (e *userError) Error() string {
	if e.Hint != "" {
		return e.Msg + " " + e.Hint
	}
	return e.Msg
}

func (e *userError) Unwrap() error { return e.Err }

// annotation is the text of the error annotation.
func (e *userError) annotation() string {
	s := e.Msg
	if e.Hint != "" {
		s += "\nFix: " + e.Hint
	}
	if e.Details != "" {
		s += "\nDetails are in the step summary."
	}
	return s
}

// deps are the outside parts of a run, injected so tests can replace them.
type deps struct {
	getenv func(string) string
	// client is used for every request to the index, OIDC and Sigstore.
	client *http.Client
	// idToken fetches a GitHub OIDC token for an audience.
	idToken func(ctx context.Context, audience string) (string, error)
	// backoff overrides the retry policy (tests); zero means the defaults.
	backoff time.Duration
}

// defaultDeps returns the production dependencies.
func defaultDeps(action *githubactions.Action) deps {
	return deps{
		getenv:  os.Getenv,
		client:  publish.DefaultHTTPClient(),
		idToken: action.GetIDToken,
	}
}

// runner carries the state of one run.
type runner struct {
	a    *githubactions.Action
	cfg  Config
	d    deps
	repo *url.URL
	kind IndexKind
	rep  *report
	mu   sync.Mutex // serialises log blocks written from upload goroutines
	// started records when each file's upload began, for the log.
	started map[string]time.Time
}

// run is the whole flow of the action (action.md §6). It writes outputs and
// the step summary whatever happens, and returns the error to report.
func run(ctx context.Context, a *githubactions.Action, flags map[string]string, d deps) (err error) {
	cfg, err := loadConfig(ctx, d.getenv, flags)
	if err != nil {
		return &userError{ID: "IN-03", Title: "Invalid inputs", Msg: err.Error()}
	}
	// Mask the password before anything else is printed (STYLE C4).
	if cfg.Password != "" {
		a.AddMask(cfg.Password)
		if t := strings.TrimSpace(cfg.Password); t != cfg.Password {
			if t != "" {
				a.AddMask(t)
			}
			// AU-05: surrounding whitespace is never part of a token.
			a.WithFieldsMap(map[string]string{"title": "Password has surrounding whitespace"}).
				Warningf("The password input has leading or trailing whitespace; it was removed. Fix the secret's value so it holds only the token.")
			cfg.Password = t
		}
	}
	r := &runner{a: a, cfg: cfg, d: d, rep: newReport(cfg)}
	defer func() {
		if err != nil {
			r.rep.fail(err)
		}
		r.finish()
	}()
	return r.run(ctx)
}

func (r *runner) run(ctx context.Context) error {
	cfg := r.cfg
	a := r.a
	a.Debugf("inputs: %s", cfg)
	// IN-02: odd booleans keep the original action's meaning.
	for _, o := range cfg.oddBools() {
		a.WithFieldsMap(map[string]string{"title": "Unusual boolean input"}).
			Warningf("Input %s is neither true nor false; it is treated as true for compatibility with pypa/gh-action-pypi-publish. Use true or false.", o)
	}
	u, err := cfg.Validate()
	if err != nil {
		return &userError{ID: "IN-03", Title: "Invalid inputs", Msg: err.Error(),
			Hint: "Known upload URLs are https://upload.pypi.org/legacy/ (PyPI) and https://test.pypi.org/legacy/ (TestPyPI)."}
	}
	r.kind = classify(u)
	if k := r.d.getenv("PYPI_PUBLISH_INDEX_KIND"); k != "" {
		// A hook for tests and for private Warehouse instances: treat the
		// index as PyPI or TestPyPI whatever its host.
		switch k {
		case "pypi":
			r.kind = IndexPyPI
		case "testpypi":
			r.kind = IndexTestPyPI
		default:
			r.kind = IndexOther
		}
	}
	if r.kind.isPyPI() && u.Path == "/legacy" {
		// IN-05: Warehouse redirects /legacy to /legacy/; we never follow.
		u.Path = "/legacy/"
		a.WithFieldsMap(map[string]string{"title": "Missing trailing slash"}).
			Warningf("repository-url %s lacks the trailing slash; using %s. Add the slash to silence this warning.", cfg.RepositoryURL, u.String())
	}
	r.repo = u
	r.rep.indexURL = u.String()
	r.rep.kind = r.kind

	// Discover and read every distribution (action.md §8).
	workdir := r.d.getenv("GITHUB_WORKSPACE")
	if workdir == "" || !dirExists(workdir) {
		workdir, _ = os.Getwd()
	}
	r.rep.workdir = workdir
	found, err := dist.Find(cfg.packagesEntries(), workdir)
	if err != nil {
		return findError(err)
	}
	if len(found.Unrelated) > 0 {
		a.WithFieldsMap(map[string]string{"title": "Unrelated files ignored"}).
			Warningf("These files in packages-dir are not distributions and will not be uploaded: %s. Keep packages-dir for distributions only.", listSome(r.rel(found.Unrelated), 20))
	}
	if len(found.Signatures) > 0 {
		a.Noticef("GPG signatures are not uploaded (PyPI ignores them): %s", listSome(r.rel(found.Signatures), 20))
	}
	dists, err := r.readAll(found.Files)
	if err != nil {
		return err
	}

	// Authentication mode and the checks that need no network (§6 step 4).
	mode := r.authMode()
	r.rep.auth = mode
	a.Debugf("authentication: %s for %s (%s)", mode, u, r.kind)
	if err := r.checkAuth(mode, dists); err != nil {
		return err
	}
	if mode == authTrusted && !cfg.DryRun.Value {
		if err := oidc.Preflight(r.oidcEnv()); err != nil {
			return oidcError(err)
		}
	}
	attestOn, reason := r.attestGate(mode)
	switch {
	case attestOn:
		r.rep.attest = "to be generated"
	case !cfg.Attestations.Value:
		r.rep.attest = "off (attestations: false)"
	default:
		r.rep.attest = "skipped: " + reason
		if mode != authToken || !r.kind.isPyPI() {
			// For token users on PyPI the nudge already says it (AU-03).
			a.Noticef("Attestations are skipped: %s.", reason)
		}
	}
	if !attestOn {
		var stray []string
		for _, f := range found.Files {
			stray = append(stray, f.Attestations...)
		}
		if len(stray) > 0 {
			a.Noticef("Attestation files are not uploaded because attestations are off: %s", listSome(r.rel(stray), 20))
		}
	}

	// Local validation (§6 step 6, issue 4).
	target := dist.TargetOther
	if r.kind.isPyPI() {
		target = dist.TargetPyPI
	}
	if cfg.VerifyMetadata.Value {
		problems := dist.Check(dists, target)
		if err := r.reportProblems(problems, len(dists)); err != nil {
			return err
		}
	}

	// Hashes (§11).
	if cfg.PrintHash.Value || cfg.Verbose.Value {
		r.printHashes(dists)
	}

	// The nudge for token users on PyPI/TestPyPI (§7.2, AU-03).
	if mode == authToken && r.kind.isPyPI() {
		r.nudge(dists)
	}

	if cfg.DryRun.Value {
		for _, d := range dists {
			r.rep.setStatus(d, "not-attempted", "")
		}
		r.rep.dryRun = true
		a.Noticef("Dry run: all %d distributions passed the checks; nothing was uploaded.", len(dists))
		return nil
	}

	// Credentials.
	var creds publish.Credentials
	var exchanger *oidc.Exchanger
	var token *oidc.Token
	switch mode {
	case authTrusted:
		exchanger, err = oidc.New(u.String(),
			oidc.WithHTTPClient(r.d.client),
			oidc.WithIDToken(r.idToken),
			oidc.WithMask(a.AddMask),
			oidc.WithLogf(a.Debugf),
			oidc.WithRetry(r.backoffPolicy()),
			oidc.WithProjects(projectNames(dists)...),
			oidc.WithUserAgent(userAgent()),
			// TP-05 is printed before the mint, so it is there when the mint fails.
			oidc.WithWarnf(func(format string, args ...any) {
				msg := fmt.Sprintf(format, args...)
				a.WithFieldsMap(map[string]string{"title": "Reusable workflow (TP-05)"}).Warningf("%s", msg)
				r.rep.addSection("Reusable workflow", msg+"\n\nSee https://docs.pypi.org/trusted-publishers/troubleshooting/#reusable-workflows-on-github")
			}),
		)
		if err != nil {
			return err
		}
		token, err = exchanger.Mint(ctx)
		if err != nil {
			return oidcError(err)
		}
		if _, ok := oidc.ReusableWorkflow(token.Claims); ok && attestOn {
			// PyPI would reject the attestations: the certificate names the
			// caller workflow, the publisher the called one (§10.1).
			attestOn = false
			r.rep.attest = "skipped: reusable workflow (PyPI would reject the attestations)"
			a.Noticef("Attestations are skipped: in a reusable workflow the signing certificate names the calling workflow, which PyPI's publisher check would reject.")
		}
		r.rep.trusted = true
		src := exchanger.Source(token)
		creds = src
		defer func() {
			// Revoke every token minted in this run, best effort: it never
			// changes the outcome (upstream issue #423).
			if err := src.BurnAll(context.WithoutCancel(ctx)); err != nil {
				a.Debugf("could not revoke the trusted-publishing token: %v", err)
			}
		}()
	default:
		creds = publish.Static{User: cfg.User, Password: cfg.Password}
	}

	// Attestations (§10).
	attestations := map[string][]byte{}
	if attestOn {
		if err := r.attest(ctx, dists, attestations); err != nil {
			return err
		}
	}

	// Upload (§6 step 11).
	if publish.InsecureCredentials(u.String()) {
		a.WithFieldsMap(map[string]string{"title": "Credentials over plain HTTP"}).
			Warningf("repository-url %s uses plain http to a host that is not this machine: credentials cross the network unencrypted. Use https.", u)
	}
	client, err := publish.New(u.String(),
		publish.WithHTTPClient(r.d.client),
		publish.WithUserAgent(userAgent()),
		publish.WithCredentials(creds),
		publish.WithLogf(a.Debugf),
		publish.WithRetry(r.backoffPolicy()),
		publish.WithIdleTimeout(r.idleTimeout()),
		publish.WithPyPIRules(r.kind.isPyPI()),
	)
	if err != nil {
		return &userError{ID: "IN-03", Title: "Invalid repository URL", Msg: err.Error()}
	}
	var index *publish.Index
	simple := cfg.IndexURL
	if simple == "" && r.kind.isPyPI() {
		simple = publish.SimpleURLFor(u.String())
	}
	if simple != "" {
		index, err = publish.NewIndex(simple, publish.WithHTTPClient(r.d.client), publish.WithRetry(r.backoffPolicy()),
			publish.WithUserAgent(userAgent()))
		if err != nil {
			return &userError{Title: "Invalid index URL", Msg: err.Error()}
		}
	}
	outcomes, err := publish.Publish(ctx, client, dists, publish.PublishOptions{
		Index:        index,
		SkipExisting: cfg.SkipExisting.Value,
		Concurrency:  cfg.Concurrency,
		Attestations: attestations,
		OnEvent:      r.onEvent,
	})
	for _, o := range outcomes {
		r.rep.setStatus(o.Dist, string(o.Status), o.Note)
		switch o.Status {
		case publish.StatusSkippedIdentical:
			a.Noticef("%s is already on the index with the same SHA-256; not uploaded again.", o.Dist.Filename)
		}
	}
	if err != nil {
		return uploadError(err, outcomes)
	}
	uploaded := 0 // DS-05 when nothing was new
	for _, o := range outcomes {
		if o.Status == publish.StatusUploaded {
			uploaded++
		}
	}
	if uploaded == 0 {
		a.Noticef("Nothing was uploaded: every distribution is already on the index.")
	}
	return nil
}

// attestGate decides whether attestations are made (action.md §10.1).
func (r *runner) attestGate(mode string) (bool, string) {
	switch {
	case !r.cfg.Attestations.Value:
		return false, ""
	case mode != authTrusted && !r.kind.isPyPI():
		// AT-01
		return false, "they need trusted publishing, and this run uses " + mode + " against a third-party index"
	case mode != authTrusted:
		return false, r.kind.String() + " accepts them only from trusted publishing, and this run uses " + mode
	case !r.kind.isPyPI():
		// AT-02
		return false, "only PyPI and TestPyPI accept PEP 740 attestations (set attestations: false to silence this notice)"
	}
	return true, ""
}

// userAgent names this action on every request; PyPI shows it as
// "Uploaded via" (STYLE C7).
func userAgent() string {
	return "pypi-publish/" + Version() + " (+https://github.com/pypi-publish/pypi-publish)"
}

// authentication modes (action.md §5.2).
const (
	authTrusted  = "trusted publishing"
	authToken    = "API token"
	authPassword = "username and password"
)

func (r *runner) authMode() string {
	switch {
	case r.cfg.User == "__token__" && r.cfg.Password == "":
		return authTrusted
	case r.cfg.User == "__token__":
		return authToken
	}
	return authPassword
}

// checkAuth runs AU-01 and AU-04.
func (r *runner) checkAuth(mode string, dists []*dist.Distribution) error {
	switch mode {
	case authPassword:
		if r.kind.isPyPI() {
			links := r.publisherLinks(dists)
			details := "PyPI answers username/password uploads with `403 Username/Password authentication is no longer supported. Migrate to API Tokens or Trusted Publishers instead.`\n\n" +
				"- Why: https://blog.pypi.org/posts/2023-05-25-securing-pypi-with-2fa/\n- Trusted publishing: https://docs.pypi.org/trusted-publishers/\n"
			if len(links) > 0 {
				details += "\nCreate a trusted publisher (you must be logged in as an owner of the project):\n\n" + bulletLinks(links)
			}
			return &userError{ID: "AU-01", Title: "Passwords are not accepted by " + r.kind.String(),
				Msg:     fmt.Sprintf("%s no longer accepts a username and password for uploads (user is %q).", r.kind, r.cfg.User),
				Hint:    "Use trusted publishing (remove user and password, and add `permissions: id-token: write` to the job), or set user to __token__ and password to an API token.",
				Details: details}
		}
		r.a.Debugf("username and password authentication against %s", r.repo)
	case authToken:
		if !strings.HasPrefix(r.cfg.Password, "pypi-") {
			// AU-04. The spec asks for a debug line on third-party indexes;
			// issue 2 asks for the warning on every index, and the issue wins.
			msg := fmt.Sprintf("The password does not start with pypi-, as every %s API token does. Check that the whole token was copied and that the right secret is referenced.", r.kind)
			if !r.kind.isPyPI() {
				msg = "The password does not start with pypi-, the prefix of PyPI-style API tokens that user __token__ implies. If this index issues other tokens, ignore this; otherwise check that the whole token was copied and that the right secret is referenced."
			}
			r.a.WithFieldsMap(map[string]string{"title": "Unexpected API token format"}).Warningf("%s", msg)
		}
	}
	return nil
}

// oidcEnv collects what oidc.Preflight needs from the environment.
func (r *runner) oidcEnv() oidc.Env {
	g := r.d.getenv
	env := oidc.Env{
		GitHubActions:   g("GITHUB_ACTIONS") == "true",
		RequestURLSet:   g("ACTIONS_ID_TOKEN_REQUEST_URL") != "",
		RequestTokenSet: g("ACTIONS_ID_TOKEN_REQUEST_TOKEN") != "",
		EventName:       g("GITHUB_EVENT_NAME"),
		ServerURL:       g("GITHUB_SERVER_URL"),
		PyPI:            r.kind.isPyPI(),
	}
	if p := g("GITHUB_EVENT_PATH"); p != "" && env.EventName == "pull_request" {
		if b, err := os.ReadFile(p); err == nil {
			env.EventPayload = b
		} else {
			r.a.Debugf("could not read the event payload: %v", err)
		}
	}
	return env
}

// idToken fetches a GitHub OIDC token and masks it at once (STYLE C4).
func (r *runner) idToken(ctx context.Context, audience string) (string, error) {
	tok, err := r.d.idToken(ctx, audience)
	if tok != "" {
		r.a.AddMask(tok)
	}
	return tok, err
}

// backoff is the minimum retry delay; tests shorten it.
func (r *runner) backoff() time.Duration {
	if r.d.backoff > 0 {
		return r.d.backoff
	}
	if v := r.d.getenv("PYPI_PUBLISH_BACKOFF"); v != "" {
		if d, err := time.ParseDuration(v); err == nil && d > 0 {
			return d
		}
	}
	return 2 * time.Second
}

// idleTimeout is how long an upload may make no progress; tests shorten it
// with PYPI_PUBLISH_IDLE_TIMEOUT.
func (r *runner) idleTimeout() time.Duration {
	if v := r.d.getenv("PYPI_PUBLISH_IDLE_TIMEOUT"); v != "" {
		if d, err := time.ParseDuration(v); err == nil && d > 0 {
			return d
		}
	}
	return publish.DefaultIdleTimeout
}

func (r *runner) backoffPolicy() retry.Backoff {
	min := r.backoff()
	max := 30 * time.Second
	if min < 2*time.Second {
		max = 15 * min
	}
	return retry.Backoff{Attempts: 4, Min: min, Max: max}
}

// readAll reads every distribution, several at a time (reading is hashing
// and decompressing, so it uses the runner's cores), and reports all
// failures at once, in upload order.
func (r *runner) readAll(files []dist.File) ([]*dist.Distribution, error) {
	type result struct {
		d   *dist.Distribution
		err error
	}
	results := make([]result, len(files))
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	for i, f := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			d, err := dist.Read(f)
			results[i] = result{d, err}
		}()
	}
	wg.Wait()
	var dists []*dist.Distribution
	var errs []string
	for i, f := range files {
		d, err := results[i].d, results[i].err
		if err != nil {
			errs = append(errs, err.Error())
			r.rep.addFile(f, nil, "failed", err.Error())
			continue
		}
		dists = append(dists, d)
		r.rep.addFile(f, d, "not-attempted", "")
	}
	if len(errs) > 0 {
		return nil, &userError{ID: "VA-10", Title: "Unreadable distributions",
			Msg:     fmt.Sprintf("%d of %d distributions could not be read; nothing was uploaded:\n%s", len(errs), len(files), strings.Join(errs, "\n")),
			Hint:    "Rebuild them (python -m build) and check the artifact upload and download steps.",
			Details: "```\n" + strings.Join(errs, "\n") + "\n```"}
	}
	return dists, nil
}

// reportProblems prints the preflight table and fails on any error.
func (r *runner) reportProblems(ps []dist.Problem, files int) error {
	var nerr, nwarn int
	for _, p := range ps {
		switch p.Severity {
		case dist.SeverityError:
			nerr++
		case dist.SeverityWarning:
			nwarn++
		}
	}
	if len(ps) == 0 {
		r.a.Infof("All %d distributions passed the checks.", files)
		return nil
	}
	r.a.Group(fmt.Sprintf("Checks: %d errors, %d warnings", nerr, nwarn))
	r.a.Infof("%s", dist.FormatProblems(ps))
	r.a.EndGroup()
	r.rep.problems = dist.ProblemsMarkdown(ps)
	if nwarn > 0 && nerr == 0 {
		// One annotation for all warnings: GitHub shows at most ten per
		// step (action.md §12.1); the table has every one.
		var some []string
		for _, p := range ps {
			if p.Severity == dist.SeverityWarning {
				some = append(some, fmt.Sprintf("%s: %s", p.File, p.Message))
			}
		}
		r.a.WithFieldsMap(map[string]string{"title": fmt.Sprintf("%d warnings from the checks", nwarn)}).
			Warningf("%s\nThe table in the log and the step summary says how to fix each.", listSome(some, 5))
	}
	if nerr == 0 {
		return nil
	}
	var first []string
	for _, p := range ps {
		if p.Severity == dist.SeverityError && len(first) < 5 {
			first = append(first, fmt.Sprintf("%s: %s", p.File, p.Message))
		}
	}
	more := ""
	if nerr > len(first) {
		more = fmt.Sprintf("\n(and %d more)", nerr-len(first))
	}
	return &userError{ID: "VA-01", Title: "Distributions would be rejected",
		Msg:  fmt.Sprintf("%d problems in the distributions would make %s reject them; nothing was uploaded.\n%s%s", nerr, r.kind, strings.Join(first, "\n"), more),
		Hint: "See the table in the log and the step summary for each rule and its fix, then rebuild. To skip these checks, set verify-metadata: false."}
}

// printHashes prints the digests of each distribution (§11).
func (r *runner) printHashes(dists []*dist.Distribution) {
	r.a.Group("Hashes of the distributions")
	for _, d := range dists {
		r.a.Infof("%s\nSHA256: %s\nMD5: %s\nBLAKE2-256: %s\n", r.relOne(d.Path), d.Digests.SHA256, d.Digests.MD5, d.Digests.Blake2b256)
	}
	r.a.EndGroup()
}

// nudge prints the one trusted-publishing recommendation (AU-03).
func (r *runner) nudge(dists []*dist.Distribution) {
	links := r.publisherLinks(dists)
	msg := "You publish with a long-lived API token. Trusted publishing needs no secret at all: https://docs.pypi.org/trusted-publishers/"
	if r.cfg.Attestations.Value {
		msg += " It is also needed for attestations, which are skipped in this run."
	}
	if len(links) > 0 {
		msg += " The step summary has links that create the publisher for this workflow."
	}
	r.a.WithFieldsMap(map[string]string{"title": "Consider trusted publishing"}).Warningf("%s", msg)
	body := "Trusted publishing replaces the API token with short-lived credentials tied to this workflow, and enables attestations. See https://docs.pypi.org/trusted-publishers/.\n"
	if len(links) > 0 {
		body += "\nThese links open the form pre-filled for this workflow (you must be logged in as an owner of the project):\n\n" + bulletLinks(links) +
			"\nThen remove the `password` input and add `permissions: id-token: write` to the publish job.\n"
	}
	r.rep.addSection("Consider trusted publishing", body)
}

// publisherLinks builds the "create a trusted publisher" links (§7.2).
func (r *runner) publisherLinks(dists []*dist.Distribution) []string {
	base := r.kind.base()
	repo := r.d.getenv("GITHUB_REPOSITORY")
	owner := r.d.getenv("GITHUB_REPOSITORY_OWNER")
	wf := workflowFile(r.d.getenv("GITHUB_WORKFLOW_REF"))
	_, name, ok := strings.Cut(repo, "/")
	if base == "" || !ok || owner == "" || wf == "" {
		return nil
	}
	var links []string
	for _, p := range projectNames(dists) {
		q := url.Values{}
		q.Set("provider", "github")
		q.Set("owner", owner)
		q.Set("repository", name)
		q.Set("workflow_filename", wf)
		links = append(links, fmt.Sprintf("%s/manage/project/%s/settings/publishing/?%s", base, url.PathEscape(p), q.Encode()))
	}
	return links
}

// workflowFile returns the workflow file name in a GITHUB_WORKFLOW_REF such
// as "owner/repo/.github/workflows/release.yml@refs/tags/v1".
func workflowFile(ref string) string {
	_, after, ok := strings.Cut(ref, ".github/workflows/")
	if !ok {
		return ""
	}
	file, _, _ := strings.Cut(after, "@")
	return file
}

// projectNames returns the sorted, unique normalized project names.
func projectNames(dists []*dist.Distribution) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range dists {
		n := dist.NormalizeName(d.Name())
		if n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// listSome joins at most n items and says how many more there are, so one
// annotation stays readable however many files a directory holds.
func listSome(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}

func bulletLinks(links []string) string {
	var b strings.Builder
	for _, l := range links {
		fmt.Fprintf(&b, "- <%s>\n", l)
	}
	return b.String()
}

// sigstoreTrust fetches Sigstore's trusted root and signing config through
// TUF (issue 16), falling back to the copy embedded in the binary with a
// warning (AT-11). Test hooks: PYPI_PUBLISH_TUF_URL (repository) and
// PYPI_PUBLISH_TUF_ROOT (root.json to start from); a test that brings its
// own PYPI_PUBLISH_TRUSTED_ROOT and no TUF URL skips the update (nil).
func (r *runner) sigstoreTrust(ctx context.Context) *attest.Trust {
	tufURL := r.d.getenv("PYPI_PUBLISH_TUF_URL")
	if tufURL == "" && r.d.getenv("PYPI_PUBLISH_TRUSTED_ROOT") != "" {
		return nil
	}
	opts := []attest.TrustOption{attest.WithTUFHTTPClient(r.d.client), attest.WithTUFLogf(r.a.Debugf), attest.WithTUFUserAgent(userAgent())}
	if tufURL != "" {
		opts = append(opts, attest.WithTUFURL(tufURL))
	} else {
		tufURL = attest.DefaultTUFURL
	}
	var trust *attest.Trust
	var err error
	if p := r.d.getenv("PYPI_PUBLISH_TUF_ROOT"); p != "" {
		var b []byte
		if b, err = os.ReadFile(p); err == nil {
			opts = append(opts, attest.WithTUFRoot(b))
		}
	}
	if err == nil {
		trust, err = attest.LoadTrust(ctx, opts...)
	} else {
		trust = attest.EmbeddedTrust()
	}
	if err != nil {
		r.a.WithFieldsMap(map[string]string{"title": "Sigstore trust data not updated (AT-11)"}).Warningf(
			"Could not update Sigstore's trusted root and signing config (%v). Signing with the copy built into this release, taken from Sigstore on %s; if Sigstore rotated a key since, signing fails.",
			err, trust.Date.Format("2006-01-02"))
		return trust
	}
	v := trust.Versions
	r.a.Debugf("Sigstore trust updated from %s (TUF root v%d, timestamp v%d, snapshot v%d, targets v%d)", tufURL, v["root"], v["timestamp"], v["snapshot"], v["targets"]) // AT-12
	return trust
}

// attest generates or reuses attestations (§10, issue 6).
func (r *runner) attest(ctx context.Context, dists []*dist.Distribution, out map[string][]byte) error {
	id := attest.Identity{Repository: r.d.getenv("GITHUB_REPOSITORY"), WorkflowRef: r.d.getenv("GITHUB_WORKFLOW_REF")}
	trust := r.sigstoreTrust(ctx)
	opts := []attest.Option{
		attest.WithHTTPClient(r.d.client),
		attest.WithIDToken(r.idToken),
		attest.WithLogf(r.a.Debugf),
		attest.WithMask(r.a.AddMask),
		attest.WithRetry(r.backoffPolicy()),
		attest.WithTrust(trust), // the hooks below override it
	}
	if v := r.d.getenv("PYPI_PUBLISH_FULCIO_URL"); v != "" {
		opts = append(opts, attest.WithFulcioURL(v))
	}
	if v := r.d.getenv("PYPI_PUBLISH_REKOR_URL"); v != "" {
		opts = append(opts, attest.WithRekorURL(v))
	}
	var root *attest.TrustedRoot
	if trust != nil {
		root = trust.Root
	}
	if v := r.d.getenv("PYPI_PUBLISH_TRUSTED_ROOT"); v != "" {
		b, err := os.ReadFile(v)
		if err != nil {
			return fmt.Errorf("failed to read the trusted root: %w", err)
		}
		root, err = attest.ParseTrustedRoot(b)
		if err != nil {
			return fmt.Errorf("failed to parse the trusted root %s: %w", v, err)
		}
		opts = append(opts, attest.WithTrustedRoot(root))
	}
	signer, err := attest.NewSigner(opts...)
	if err != nil {
		return err
	}
	subjects := make([]attest.Subject, 0, len(dists))
	for _, d := range dists {
		subjects = append(subjects, attest.Subject{Path: d.Path, Filename: d.Filename, SHA256: d.Digests.SHA256, Companions: d.Attestations})
	}
	prepared, err := attest.Prepare(ctx, signer, subjects, id, root)
	if err != nil {
		return attestError(err)
	}
	var reused, made int
	for _, p := range prepared {
		out[p.Filename] = p.Attestations
		r.rep.setAttestation(p.Filename, p.Files, p.Reused)
		if p.Reused {
			reused++
		} else {
			made++
		}
	}
	if made > 0 {
		r.a.Noticef("Generated attestations for %d distributions.", made) // AT-05
	}
	if reused > 0 {
		var names []string
		for _, p := range prepared {
			if p.Reused {
				names = append(names, p.Filename)
			}
		}
		// AT-03
		r.a.Noticef("Reused the existing attestation files of %s: they match these files and this workflow.", strings.Join(names, ", "))
	}
	r.rep.attest = fmt.Sprintf("generated for %d files, reused for %d", made, reused)
	return nil
}

// onEvent logs upload progress (UP-01, UP-20): one group per file with its
// size, time, throughput and the index's answer.
func (r *runner) onEvent(ev publish.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch ev.Kind {
	case publish.EventStart:
		if r.started == nil {
			r.started = map[string]time.Time{}
		}
		r.started[ev.File] = time.Now()
		if r.cfg.Concurrency > 1 {
			r.a.Infof("%s", ev.Message)
		}
	case publish.EventRetry:
		r.a.WithFieldsMap(map[string]string{"title": "Retrying " + ev.File}).
			Warningf("Attempt %d of %d for %s failed: %v. Retrying.", ev.Attempt-1, ev.Attempts, ev.File, ev.Err)
	case publish.EventWarning:
		r.a.WithFieldsMap(map[string]string{"title": "Check " + ev.File}).Warningf("%s", ev.Message)
	case publish.EventSkip:
		r.a.Noticef("%s", ev.Message)
	case publish.EventDone:
		rw := r.rep.byName[ev.File]
		r.a.Group("Uploaded " + ev.File)
		if rw != nil {
			elapsed := time.Since(r.started[ev.File])
			r.a.Infof("size %s, %s, %s", humanSize(rw.Size), elapsed.Round(time.Millisecond), throughput(rw.Size, elapsed))
		}
		answer := ev.Message
		if res := ev.Result; res != nil {
			switch {
			case res.Confirmed:
				answer = "the answer was lost, but the index lists the file with the local SHA-256 (" + ev.Message + ")"
			case res.StatusCode != 0:
				answer = fmt.Sprintf("%d %s", res.StatusCode, http.StatusText(res.StatusCode))
				if res.Message != "" && r.cfg.Verbose.Value {
					answer += ": " + res.Message
				}
			}
			if res.Attempts > 1 {
				answer += fmt.Sprintf(" after %d attempts", res.Attempts)
			}
		}
		r.a.Infof("index answer: %s", answer)
		if rw != nil && rw.version != "" {
			if u := r.rep.kind.base(); u != "" {
				r.a.Infof("release: %s/project/%s/%s/", u, dist.NormalizeName(r.rep.names[ev.File]), rw.version)
			}
		}
		r.a.EndGroup()
	default:
		if ev.Message != "" {
			r.a.Infof("%s", ev.Message)
		}
	}
}

// throughput formats bytes per second.
func throughput(n int64, d time.Duration) string {
	if d <= 0 {
		return "-"
	}
	return humanSize(int64(float64(n)/d.Seconds())) + "/s"
}

// rel returns paths relative to the workspace.
func (r *runner) rel(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = r.relOne(p)
	}
	return out
}

func (r *runner) relOne(p string) string { return relPath(r.rep.workdir, p) }

func relPath(base, p string) string {
	if base == "" {
		return p
	}
	abs := p
	if !filepath.IsAbs(p) {
		abs = filepath.Join(base, p)
	}
	if rel, err := filepath.Rel(base, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return p
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// findError turns a discovery error into the user error (DS-xx, IN-04).
func findError(err error) error {
	var fe *dist.FindError
	if errors.As(err, &fe) {
		return &userError{ID: fe.ID, Title: findTitle(fe.ID), Msg: fe.Error(), Err: err}
	}
	return &userError{Title: "Cannot read packages-dir", Msg: err.Error(), Err: err}
}

func findTitle(id string) string {
	switch id {
	case "DS-01":
		return "packages-dir not found"
	case "DS-02":
		return "packages-dir is not a directory"
	case "DS-03":
		return "No distributions found"
	case "DS-04":
		return "Not a regular file"
	case "IN-04":
		return "packages-dir matches nothing"
	}
	return "Cannot read packages-dir"
}

// oidcError turns a trusted-publishing failure into the user error (TP-xx).
func oidcError(err error) error {
	var oe *oidc.Error
	if errors.As(err, &oe) {
		return &userError{ID: oe.ID, Title: "Trusted publishing failed (" + oe.ID + ")", Msg: oe.Message, Hint: oe.Hint, Details: oe.Details, Err: err}
	}
	return &userError{Title: "Trusted publishing failed", Msg: err.Error(), Err: err}
}

// attestError turns an attestation failure into the user error (AT-xx).
func attestError(err error) error {
	var ae *attest.Error
	if errors.As(err, &ae) {
		return &userError{ID: ae.ID, Title: "Attestations failed (" + ae.ID + ")", Msg: ae.Message, Hint: ae.Hint, Err: err}
	}
	return &userError{Title: "Attestations failed", Msg: err.Error(), Err: err}
}

// uploadError turns a failed batch into the user error, naming what went
// up and what did not.
func uploadError(err error, outcomes []publish.Outcome) error {
	var up, not []string
	for _, o := range outcomes {
		switch o.Status {
		case publish.StatusUploaded, publish.StatusSkippedIdentical, publish.StatusSkippedExisting:
			up = append(up, o.Dist.Filename)
		default:
			not = append(not, o.Dist.Filename)
		}
	}
	title := "Upload failed"
	if errors.Is(err, context.Canceled) {
		title = "Cancelled"
	}
	msg := err.Error()
	state := ""
	if len(up) > 0 {
		state += "\nOn the index: " + strings.Join(up, ", ") + "."
	}
	if len(not) > 0 {
		state += "\nNot uploaded: " + strings.Join(not, ", ") + "."
	}
	sit := publish.Classify(err)
	hint := sit.Hint
	if len(up) > 0 && len(not) > 0 {
		hint = strings.TrimSpace(hint + " The release is incomplete: once the cause is fixed, re-run this job. Files already on the index are recognised by their SHA-256 and skipped (on a third-party index set index-url, or skip-existing: true).")
	}
	if sit.ID != "" {
		title += " (" + sit.ID + ")"
	}
	return &userError{ID: sit.ID, Title: title, Msg: msg + state, Hint: hint, Err: err}
}
