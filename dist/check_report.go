package dist

import (
	"fmt"
	"strings"

	"github.com/pypi-publish/pypi-publish/dist/internal/rst"
	"github.com/pypi-publish/pypi-publish/internal/escape"
)

// maxRSTIssues bounds how many reStructuredText issues are listed per file.
const maxRSTIssues = 5

// checkDescription renders the long description as PyPI would (readme
// rendering on upload) and reports a missing description or content type (VA-09).
func (c *preflight) checkDescription() {
	if c.m == nil {
		return
	}
	desc := c.m.Description()
	if s := strings.TrimSpace(desc); s == "" || s == "UNKNOWN" {
		c.add(SeverityWarning, "VA-09", "description-missing", "Description",
			"the distribution has no long description; the project page on PyPI will be empty",
			"set readme in pyproject.toml ([project] readme = \"README.md\")")
		return
	}
	ct, hasCT := c.value("Description-Content-Type")
	if !hasCT {
		c.add(SeverityNotice, "VA-09", "description-content-type-missing", "Description-Content-Type",
			"no Description-Content-Type; PyPI renders the description as reStructuredText",
			"declare the readme's type (pyproject.toml readme with a .md or .rst file sets it)")
	}
	if hasCT && validateContentType(ct) != "" {
		return // reported as a metadata problem
	}
	if hasCT && !strings.EqualFold(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]), "text/x-rst") {
		return // Markdown and plain text always render
	}
	issues := rst.Check(desc)
	if len(issues) == 0 {
		return
	}
	msg := "The description failed to render in the default format of reStructuredText. See https://pypi.org/help/#description-content-type for more information."
	if hasCT {
		msg = fmt.Sprintf("The description failed to render for '%s'. See https://pypi.org/help/#description-content-type for more information.", strings.TrimSpace(ct))
	}
	var details []string
	for i, is := range issues {
		if i == maxRSTIssues {
			details = append(details, fmt.Sprintf("and %d more", len(issues)-maxRSTIssues))
			break
		}
		details = append(details, is.String())
	}
	fix := "fix the reStructuredText (" + strings.Join(details, "; ") + ")"
	if !hasCT {
		fix += ", or set Description-Content-Type to text/markdown if the README is Markdown"
	}
	// Only PyPI refuses descriptions that do not render.
	c.add(c.policy(), "VA-01", "description-render", "Description", msg, fix)
}

// FormatProblems renders problems as a plain-text table for the log: one
// block per problem with the file, severity, ID and rule, the message and
// the fix. Every line is one line of the table: file names, messages and
// fixes are flattened and their control characters shown as escapes
// (internal/escape). It returns "" for no problems.
func FormatProblems(ps []Problem) string {
	if len(ps) == 0 {
		return ""
	}
	var b strings.Builder
	errs, warns := 0, 0
	for _, p := range ps {
		switch p.Severity {
		case SeverityError:
			errs++
		case SeverityWarning:
			warns++
		}
	}
	fmt.Fprintf(&b, "Preflight: %d error(s), %d warning(s), %d other\n", errs, warns, len(ps)-errs-warns)
	file := "\x00"
	for _, p := range ps {
		if p.File != file {
			file = p.File
			fmt.Fprintf(&b, "\n%s\n", escape.Controls(p.File, false))
		}
		field := ""
		if p.Field != "" {
			field = " [" + p.Field + "]"
		}
		fmt.Fprintf(&b, "  %-7s %s %s%s: %s\n", p.Severity, p.ID, p.Rule, field, escape.Controls(oneLine(p.Message), false))
		if p.Fix != "" {
			fmt.Fprintf(&b, "          fix: %s\n", escape.Controls(oneLine(p.Fix), false))
		}
	}
	return b.String()
}

// ProblemsMarkdown renders problems as a Markdown table for the step
// summary (file, rule, PyPI's wording, how to fix). Every cell is inert
// (internal/escape): the file name a code span, the texts escaped Markdown
// on one line. It returns "" for no problems.
func ProblemsMarkdown(ps []Problem) string {
	if len(ps) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("| File | Severity | Rule | What PyPI says | How to fix |\n")
	b.WriteString("| --- | --- | --- | --- | --- |\n")
	for _, p := range ps {
		rule := p.ID + " " + p.Rule
		if p.Field != "" {
			rule += " (" + p.Field + ")"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n",
			escape.Cell(p.File), p.Severity, escape.Inline(rule), escape.Inline(p.Message), escape.Inline(p.Fix))
	}
	return b.String()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
