package action

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/escape"
	"github.com/pypi-publish/pypi-publish/internal/report"
	"github.com/pypi-publish/pypi-publish/internal/target"
	"github.com/pypi-publish/pypi-publish/oidc"
	"github.com/pypi-publish/pypi-publish/publish"
)

// Authentication modes, as the summary names them.
const (
	authTrusted  = "trusted publishing"
	authToken    = "API token"
	authPassword = "username and password"
)

// authMode returns how the run authenticates: user __token__ without a
// password is trusted publishing.
func authMode(cfg config.Config) string {
	switch {
	case cfg.User == "__token__" && cfg.Password == "":
		return authTrusted
	case cfg.User == "__token__":
		return authToken
	}
	return authPassword
}

// checkAuth runs the authentication checks that need no network: PyPI
// refuses passwords (AU-01), a token should look like one (AU-04), and
// trusted publishing needs a CI platform with ID tokens (TP-17; on GitHub
// `id-token: write`, TP-01..TP-04; on GitLab id_tokens, TP-18). For trusted
// publishing it returns where the ID tokens come from; a dry run, which
// mints nothing, never fails on that.
func checkAuth(d Deps, cfg config.Config, tg target.Target, env config.Runner, dists []*dist.Distribution) (oidc.TokenSource, error) {
	c := d.Console
	switch authMode(cfg) {
	case authPassword:
		if tg.Kind.IsPyPI() {
			return nil, passwordRefused(cfg, tg, env, dists)
		}
		c.Debugf("username and password authentication against %s", tg.UploadURL)
	case authToken:
		if !strings.HasPrefix(cfg.Password, "pypi-") {
			// AU-04, on every index: a copy-paste slip is the usual cause.
			msg := fmt.Sprintf("The password does not start with pypi-, as every %s API token does. Check that the whole token was copied and that the right secret is referenced.", tg.Kind)
			if !tg.Kind.IsPyPI() {
				msg = "The password does not start with pypi-, the prefix of PyPI-style API tokens that user __token__ implies. If this index issues other tokens, ignore this; otherwise check that the whole token was copied and that the right secret is referenced."
			}
			c.Warningf("Unexpected API token format", "%s", msg)
		}
	case authTrusted:
		src, err := idTokens(d, tg, env)
		switch {
		case err != nil && cfg.DryRun.Value:
			c.Debugf("trusted publishing would fail: %v", err)
		case err != nil:
			return nil, fail("Trusted publishing failed", err)
		}
		return src, nil
	}
	return nil, nil
}

// andSummary is " and <summary>" for "the table in the log and the step
// summary", or "" when there is no summary.
func andSummary(summary string) string {
	if summary == "" {
		return ""
	}
	return " and " + summary
}

// passwordRefused is AU-01: PyPI and TestPyPI take no passwords.
func passwordRefused(cfg config.Config, tg target.Target, env config.Runner, dists []*dist.Distribution) error {
	details := "PyPI answers username/password uploads with `403 Username/Password authentication is no longer supported. Migrate to API Tokens or Trusted Publishers instead.`\n\n" +
		"- Why: https://blog.pypi.org/posts/2023-05-25-securing-pypi-with-2fa/\n- Trusted publishing: https://docs.pypi.org/trusted-publishers/\n"
	if links := publisherLinks(tg, env, dists); len(links) > 0 {
		details += "\nCreate a trusted publisher (you must be logged in as an owner of the project):\n\n" + bulletLinks(links)
	}
	return &Error{ID: "AU-01", Title: "Passwords are not accepted by " + tg.Kind.String(),
		Message: fmt.Sprintf("%s no longer accepts a username and password for uploads (user is %q).", tg.Kind, cfg.User),
		Hint:    "Use trusted publishing (remove user and password, and add `permissions: id-token: write` to the job), or set user to __token__ and password to an API token.",
		Details: details}
}

// oidcEnv collects what oidc.Preflight needs. The event payload is read
// only for pull requests (to tell a fork, TP-02).
func oidcEnv(c console.Console, tg target.Target, env config.Runner) oidc.Env {
	e := oidc.Env{
		GitHubActions:   env.Actions,
		RequestURLSet:   env.IDTokenURL != "",
		RequestTokenSet: env.IDTokenToken != "",
		EventName:       env.EventName,
		ServerURL:       env.ServerURL,
		PyPI:            tg.Kind.IsPyPI(),
	}
	if env.EventPath != "" && env.EventName == "pull_request" {
		if b, err := os.ReadFile(env.EventPath); err == nil {
			e.EventPayload = b
		} else {
			c.Debugf("could not read the event payload: %v", err)
		}
	}
	return e
}

// checkDists runs the preflight checks on every distribution (unless
// verify-metadata is false), with the files that could not be read in the
// same table, prints the problems and the hashes, and returns the Markdown
// table of problems for the summary. Any error-level problem fails the run
// before anything is uploaded (VA-01, or VA-10 when a file is unreadable).
func checkDists(ctx context.Context, d Deps, cfg config.Config, tg target.Target, dists []*dist.Distribution, failures []dist.ReadFailure, workdir string) (string, error) {
	c := d.Console
	var table string
	if cfg.VerifyMetadata.Value {
		rules := dist.TargetOther
		if tg.Kind.IsPyPI() {
			rules = dist.TargetPyPI
		}
		ps := dist.Check(dists, rules,
			dist.WithClassifiers(classifiers(ctx, d, cfg, tg, dists)), dist.WithReadFailures(failures...))
		var err error
		if table, err = reportProblems(c, tg, ps, len(dists)+len(failures), d.SummaryPlace); err != nil {
			return table, err
		}
	}
	if cfg.PrintHash.Value || cfg.Verbose.Value {
		c.Group("Hashes of the distributions")
		for _, d := range dists {
			c.Infof("%s", relPath(workdir, d.Path))
			c.Infof("SHA256: %s", d.Digests.SHA256)
			c.Infof("MD5: %s", d.Digests.MD5)
			c.Infof("BLAKE2-256: %s", d.Digests.Blake2b256)
			c.Infof("")
		}
		c.EndGroup()
	}
	return table, nil
}

// classifiers returns the list the checks judge Classifier fields against:
// for PyPI and TestPyPI, outside dry runs and when a file has classifiers,
// the index's current list (tg.ClassifiersURL, or the
// PYPI_PUBLISH_CLASSIFIERS_URL hook); otherwise, or when the index does not
// answer in time, the list built into the binary, with a note giving its
// date (docs/preflight.md).
func classifiers(ctx context.Context, d Deps, cfg config.Config, tg target.Target, dists []*dist.Distribution) *dist.Classifiers {
	c, embedded := d.Console, dist.EmbeddedClassifiers()
	used := false
	for _, ds := range dists {
		if _, ok := ds.Metadata.Get("Classifier"); ok {
			used = true
			break
		}
	}
	if !used || !tg.Kind.IsPyPI() {
		return embedded
	}
	listURL := tg.ClassifiersURL
	if d.Hooks.ClassifiersURL != "" {
		listURL = d.Hooks.ClassifiersURL
	}
	switch {
	case cfg.DryRun.Value:
		c.Infof("Classifiers are checked against the list built into this action (%s); a run that uploads asks %s for its current list.", embedded.Source(), tg.Kind)
		return embedded
	case listURL == "":
		c.Infof("Classifiers are checked against the list built into this action (%s): where this index serves its list is not known.", embedded.Source())
		return embedded
	}
	list, err := publish.FetchClassifiers(ctx, listURL, publish.WithHTTPClient(d.HTTPClient), publish.WithUserAgent(d.UserAgent))
	if err != nil {
		c.Noticef("", "Classifiers are checked against the list built into this action (%s): %s did not give its current list (%v). A classifier added since then may be reported by mistake.", embedded.Source(), tg.Kind, err)
		return embedded
	}
	c.Debugf("classifiers: %d from %s", list.Len(), list.Source())
	return list
}

// reportProblems prints the problems table in a group, one warning
// annotation for all warnings (GitHub shows at most ten per step; the
// table has every one), and fails on any error. It returns the Markdown
// table for the summary.
func reportProblems(c console.Console, tg target.Target, ps []dist.Problem, files int, summary string) (string, error) {
	if len(ps) == 0 {
		c.Infof("All %d distributions passed the checks.", files)
		return "", nil
	}
	var errs, warns []string
	unreadable := 0
	for _, p := range ps {
		switch p.Severity {
		case dist.SeverityError:
			errs = append(errs, fmt.Sprintf("%s: %s", escape.Controls(p.File, false), escape.Controls(p.Message, false)))
			if p.Rule == "unreadable" {
				unreadable++
			}
		case dist.SeverityWarning:
			warns = append(warns, fmt.Sprintf("%s: %s", escape.Controls(p.File, false), escape.Controls(p.Message, false)))
		}
	}
	c.Group("Checks: %d errors, %d warnings", len(errs), len(warns))
	// One line at a time: each is ours, its cells made one line by
	// FormatProblems, so no metadata value can add a line of its own.
	for _, line := range strings.Split(strings.TrimRight(dist.FormatProblems(ps), "\n"), "\n") {
		c.Infof("%s", line)
	}
	c.EndGroup()
	table := dist.ProblemsMarkdown(ps)
	if len(warns) > 0 && len(errs) == 0 {
		c.Warningf("Warnings from the checks",
			"%d warnings:\n%s\nThe table in the log%s says how to fix each.", len(warns), listSome(warns, 5), andSummary(summary))
	}
	if len(errs) == 0 {
		return table, nil
	}
	return table, problemsError(tg, errs, unreadable, files, summary)
}

// problemsError is the one error for error-level problems: VA-10 when a
// file could not be read (with the count of the others' problems), VA-01
// otherwise. It quotes the first five.
func problemsError(tg target.Target, errs []string, unreadable, files int, summary string) error {
	first := strings.Join(errs[:min(5, len(errs))], "\n")
	more := ""
	if len(errs) > 5 {
		more = fmt.Sprintf("\n(and %d more)", len(errs)-5)
	}
	if unreadable > 0 {
		also := ""
		if rest := len(errs) - unreadable; rest > 0 {
			also = fmt.Sprintf(", and %d more problems would make %s reject the others", rest, tg.Kind)
		}
		return &Error{ID: "VA-10", Title: "Unreadable distributions",
			Message: fmt.Sprintf("%d of %d distributions could not be read%s; nothing was uploaded.\n%s%s", unreadable, files, also, first, more),
			Hint:    "Rebuild them (python -m build) and check the artifact upload and download steps; the table in the log" + andSummary(summary) + " has every problem and its fix."}
	}
	return &Error{ID: "VA-01", Title: "Distributions would be rejected",
		Message: fmt.Sprintf("%d problems in the distributions would make %s reject them; nothing was uploaded.\n%s%s", len(errs), tg.Kind, first, more),
		Hint:    "See the table in the log" + andSummary(summary) + " for each rule and its fix, then rebuild. To skip these checks, set verify-metadata: false."}
}

// nudge recommends trusted publishing to API-token users of PyPI and
// TestPyPI, once (AU-03), and returns the summary section with links that
// create the publisher.
func nudge(d Deps, cfg config.Config, tg target.Target, env config.Runner, dists []*dist.Distribution) report.Section {
	c := d.Console
	links := publisherLinks(tg, env, dists)
	msg := "You publish with a long-lived API token. Trusted publishing needs no secret at all: https://docs.pypi.org/trusted-publishers/"
	if cfg.Attestations.Value {
		msg += " It is also needed for attestations, which are skipped in this run."
	}
	if len(links) > 0 {
		msg += seeSummary(d, "links that create the publisher for this workflow")
	}
	c.Warningf("Consider trusted publishing", "%s", msg)
	body := "Trusted publishing replaces the API token with short-lived credentials tied to this workflow, and enables attestations. See https://docs.pypi.org/trusted-publishers/.\n"
	if len(links) > 0 {
		body += "\nThese links open the form pre-filled for this workflow (you must be logged in as an owner of the project):\n\n" + bulletLinks(links) +
			"\nThen remove the `password` input and add `permissions: id-token: write` to the publish job.\n"
	}
	return report.Section{Title: "Consider trusted publishing", Body: body}
}

// publisherLinks returns the links that open the index's "add a trusted
// publisher" form pre-filled for this workflow, one per project; none for
// a third-party index or when the runner did not name the workflow.
func publisherLinks(tg target.Target, env config.Runner, dists []*dist.Distribution) []string {
	_, name, ok := strings.Cut(env.Repository, "/")
	pub := oidc.Publisher{Owner: env.RepositoryOwner, Repository: name, Workflow: oidc.WorkflowFile(env.WorkflowRef)}
	if tg.WebBase == "" || !ok || pub.Owner == "" || pub.Workflow == "" {
		return nil
	}
	var links []string
	for _, p := range projectNames(dists) {
		links = append(links, pub.SettingsURL(tg.WebBase, p))
	}
	return links
}
