package oidc

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// retryToken says, for a retry log line, which token the retry sends.
func (e *Exchanger) retryToken() string {
	if e.o.source.Fresh() {
		return "a fresh ID token"
	}
	return "the same ID token (" + e.o.source.Platform().String() + " has one per job)"
}

// cachedAudience is the audience learned from the index, or "".
func (e *Exchanger) cachedAudience() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.aud
}

// tokenName names the platform's token in messages.
func tokenName(p Platform) string {
	switch p {
	case GitLabCI:
		return "GitLab ID token"
	case GoogleCloud:
		return "Google ID token"
	}
	return "GitHub token"
}

// refused builds the TP-10 (or TP-14) error for a mint answered with errors.
func (e *Exchanger) refused(resp *response, mr mintResponse, codes []string, claims Claims, scrub func(string) string, reuse bool) *Error {
	id := IDMintRefused
	if reuse {
		id = IDReuseToken
	}
	reasons := make([]string, 0, len(mr.Errors))
	for _, er := range mr.Errors {
		reasons = append(reasons, fmt.Sprintf("`%s`: %s", er.Code, scrub(er.Description)))
	}
	msg := fmt.Sprintf("%s refused to mint a token (%s): %s", capFirst(e.indexName()), resp.text, oneLine(reasons[0], 400))
	if len(reasons) > 1 {
		msg += fmt.Sprintf(" (and %d more reasons, in the details)", len(reasons)-1)
	}
	hint := e.codeHint(mr.Errors[0].Code, mr.Errors[0].Description, claims)

	var b strings.Builder
	fmt.Fprintf(&b, "### Trusted publishing: token request refused (%s)\n\n", id)
	fmt.Fprintf(&b, "%s answered %s to the token request, with these reasons:\n\n", capFirst(e.indexName()), mdCode(resp.text))
	for _, er := range mr.Errors {
		fmt.Fprintf(&b, "* %s: %s\n", mdCode(er.Code), mdEscape(oneLine(scrub(er.Description), 1000)))
	}
	b.WriteString("\n**What to do:**\n\n")
	seen := map[string]bool{}
	for _, er := range mr.Errors {
		if seen[er.Code] {
			continue
		}
		seen[er.Code] = true
		fmt.Fprintf(&b, "* %s: %s\n", mdCode(er.Code), e.codeHint(er.Code, er.Description, claims))
	}
	p := e.o.source.Platform()
	fmt.Fprintf(&b, "\n#### Claims of this run's %s\n\n", tokenName(p))
	fmt.Fprintf(&b, "The token came from %s. The claims are for diagnostics only; the token itself is never printed.\n\n", mdEscape(e.o.source.Origin(e.cachedAudience())))
	b.WriteString(claimsTableFor(p, claims))
	b.WriteString(e.publisherSection(p, claims))
	if _, ok := ReusableWorkflow(claims); ok {
		b.WriteString("\n")
		b.WriteString(reusableDetails(claims))
	}
	fmt.Fprintf(&b, "\nTroubleshooting guide: %s\n", TroubleshootingURL)
	e.o.logf("Token request refused by %s: %s", e.host, strings.Join(reasons, "; "))
	for _, l := range claimsLinesFor(p, claims) {
		e.o.logf("  claim %s", l)
	}
	out := &Error{ID: id, Message: msg, Hint: hint, Details: b.String(), Codes: codes}
	// An index that does not know the issuer of a non-github.com GitHub
	// token: this is the GitHub Enterprise case (TP-04), whatever the index.
	if iss := claims.String("iss"); p == GitHubActions && iss != Missing && iss != GitHubIssuer {
		for _, er := range mr.Errors {
			if er.Code == "invalid-payload" && strings.Contains(er.Description, "unknown trusted publishing issuer") {
				ent := e.enterpriseError(iss)
				ent.Details += "\n" + out.Details
				ent.Codes = codes
				return ent
			}
		}
	}
	return out
}

// publisherSection is the summary's "values that match this run": the
// publisher form of the token's platform, and the pre-filled links.
func (e *Exchanger) publisherSection(p Platform, c Claims) string {
	var b strings.Builder
	b.WriteString("\n#### Trusted publisher values that match this run\n\n")
	var rows [][2]string
	var link func(base, project string) string
	switch p {
	case GitLabCI:
		pub := GitLabPublisherFor(c)
		b.WriteString("On the project's **Publishing** settings page, a **GitLab** publisher for this job has:\n\n")
		rows = [][2]string{{"Namespace", cellOrUnknown(pub.Namespace)}, {"Project name", cellOrUnknown(pub.Project)},
			{"Top-level pipeline file path", cellOrUnknown(pub.WorkflowFilepath)}, {"Environment name", envCell(pub.Environment, "job")},
			{"GitLab instance", cellOrUnknown(pub.IssuerURL)}}
		link = pub.SettingsURL
	case GoogleCloud:
		pub := GooglePublisherFor(c)
		b.WriteString("On the project's **Publishing** settings page, a **Google** publisher for this service account has:\n\n")
		rows = [][2]string{{"Email", cellOrUnknown(pub.Email)}, {"Subject (optional)", cellOrUnknown(pub.Subject)}}
		link = pub.SettingsURL
	default:
		pub := PublisherFor(c)
		b.WriteString("On the project's **Publishing** settings page, a GitHub publisher for this run has:\n\n")
		rows = [][2]string{{"Owner", cellOrUnknown(pub.Owner)}, {"Repository name", cellOrUnknown(pub.Repository)},
			{"Workflow name", cellOrUnknown(pub.Workflow)}, {"Environment name", envCell(pub.Environment, "job")}}
		link = pub.SettingsURL
	}
	b.WriteString("| PyPI form field | Value |\n|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s |\n", r[0], r[1])
	}
	if e.linkBase != "" && len(e.o.projects) > 0 {
		b.WriteString("\nSettings pages (for a logged-in owner of the project), pre-filled with these values:\n\n")
		for _, proj := range e.o.projects {
			fmt.Fprintf(&b, "* %s: %s\n", mdCode(proj), link(e.linkBase, proj))
		}
		fmt.Fprintf(&b, "\nIf the project does not exist yet, add a *pending* publisher with the exact project name at %s/manage/account/publishing/\n", e.linkBase)
	}
	return b.String()
}

func envCell(env, what string) string {
	if env == "" {
		return "(none: leave it empty, or name the environment the " + what + " uses)"
	}
	return mdCode(env)
}

// codeHint is the per-code hint of TP-10 (docs/situations.md#tp-10).
func (e *Exchanger) codeHint(code, description string, c Claims) string {
	p := e.o.source.Platform()
	switch code {
	case "invalid-publisher":
		return e.invalidPublisherHint(p, c)
	case "invalid-pending-publisher":
		return "A pending publisher matched, but the project already exists: add the publisher on the existing project's Publishing settings page instead."
	case "invalid-reuse-token":
		if !e.o.source.Fresh() {
			return "GitLab gives a job one ID token per id_tokens entry, and the index accepts each once: this one was used already, by an earlier upload in this job " +
				"(another pypi-publish, twine or uv upload to the same index) or by an attempt whose answer was lost. Publish to each index once per job; a re-run of the job gets new tokens."
		}
		return "The index saw this " + tokenName(p) + " before, even after a retry with a fresh one. This should not happen: please report it."
	case "invalid-token":
		return "The index could not verify the " + tokenName(p) + " (signature, issuer, audience or validity time). Re-run the job; if it keeps failing, report it."
	case "invalid-payload":
		if strings.Contains(description, "unknown trusted publishing issuer") {
			if p == GitLabCI {
				return "The index does not trust this GitLab instance (" + c.String("iss") + "). PyPI trusts gitlab.com, and self-managed instances only when a PyPI organization registered them. Otherwise use an API token."
			}
			return "The index does not trust this token's issuer; PyPI accepts only github.com, not GitHub Enterprise. Use an API token in `password`."
		}
		return "The index rejected the request itself; act on its description above (for a new project, the name may not be allowed)."
	case "not-enabled":
		return "Trusted publishing is switched off on the index for now. Re-run later (" + StatusURL + "), or use an API token."
	}
	return "See " + TroubleshootingURL
}

// invalidPublisherHint names the values the publisher must have.
func (e *Exchanger) invalidPublisherHint(p Platform, c Claims) string {
	env := func(s string) string {
		if s == "" {
			return "none"
		}
		return strconv.Quote(s)
	}
	switch p {
	case GitLabCI:
		pub := GitLabPublisherFor(c)
		return fmt.Sprintf("No trusted publisher on %s matches this GitLab job. Compare the project's GitLab publisher with the values of this job: "+
			"namespace %q, project %q, top-level pipeline file %q, environment %s. Namespace and project are compared ignoring case, "+
			"the pipeline file and the environment exactly; a new project needs a pending publisher with exactly its name.",
			e.indexName(), orUnknown(pub.Namespace), orUnknown(pub.Project), orUnknown(pub.WorkflowFilepath), env(pub.Environment))
	case GoogleCloud:
		pub := GooglePublisherFor(c)
		return fmt.Sprintf("No trusted publisher on %s matches this service account. The project's Google publisher must name the e-mail %q "+
			"(exactly), and a subject only if it is %q; the token must say email_verified true.",
			e.indexName(), orUnknown(pub.Email), orUnknown(pub.Subject))
	}
	pub := PublisherFor(c)
	return fmt.Sprintf("No trusted publisher on %s matches this workflow. Compare the project's publisher with the values of this run: "+
		"owner %q, repository %q, workflow %q, environment %s. A publisher that names an environment needs a job that uses it; "+
		"in a reusable workflow the workflow is the called file; a new project needs a pending publisher with exactly its name.",
		e.indexName(), orUnknown(pub.Owner), orUnknown(pub.Repository), orUnknown(pub.Workflow), env(pub.Environment))
}

// noRenewal is TP-20: the minted token t ran out (or the index says so),
// and the platform has no fresh ID token to mint another.
func (e *Exchanger) noRenewal(t *Token) *Error {
	p := e.o.source.Platform()
	return &Error{
		ID: IDNoRenewal,
		Message: fmt.Sprintf("The PyPI token minted at the start expired (at %s), and %s cannot renew it: the job's ID token was exchanged already, "+
			"and the index accepts each ID token once.", t.Expires.UTC().Format(time.RFC3339), p),
		Hint: "Keep each job's uploads under 15 minutes: split the files across jobs (each job gets new ID tokens), raise concurrency, " +
			"or publish very large releases with an API token.",
		Details: section(IDNoRenewal, "Token cannot be renewed",
			fmt.Sprintf("A minted token lives 15 minutes. On GitHub Actions and Google Cloud the action renews it with a fresh ID token; "+
				"%s gives a job one ID token per `id_tokens` entry, fixed when the job starts, and the index refuses a token it has seen "+
				"(`invalid-reuse-token`).", p),
			"Split the upload across jobs, or raise `concurrency`, or use an API token for this release. Files already on the index "+
				"are recognised by their SHA-256 when the job is re-run."),
	}
}
