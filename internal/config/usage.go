package config

import (
	"fmt"
	"strings"
)

// Exit statuses of the command (main returns them; the usage text and
// docs/other-ci.md document them).
const (
	ExitOK      = 0 // published, or the dry run passed
	ExitFailure = 1 // the run failed (the error says why)
	ExitUsage   = 2 // the command line is wrong: nothing was done
)

// Usage is the text of --help: the subcommands, every flag with its
// default, and the environment variables the command reads.
func Usage(version string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "pypi-publish %s publishes Python distributions (wheels and sdists) to PyPI, TestPyPI\n", version)
	b.WriteString("or any index with PyPI's upload API, with trusted publishing from GitHub Actions,\n")
	b.WriteString("GitLab CI/CD or Google Cloud, or with an API token.\n\n")
	b.WriteString("Usage:\n")
	b.WriteString("  pypi-publish [flags]         publish the distributions in --packages-dir (default dist)\n")
	b.WriteString("  pypi-publish demo [--api-token] [--keep]\n")
	b.WriteString("                               publish bundled samples to a fake index started in-process\n")
	b.WriteString("  pypi-publish version        print the version\n")
	b.WriteString("  pypi-publish help           print this text (also --help, -h)\n\n")
	b.WriteString("Flags: the action's inputs. A flag wins over its INPUT_ variable. Booleans are\n")
	b.WriteString("--name (true) or --name=false; one or two dashes both work.\n")
	for _, in := range Inputs {
		name := "--" + in.Name
		if !in.Bool {
			name += " " + argName(in.Name)
		}
		def := in.Default
		switch {
		case def == "" && in.Name == "password":
			def = "empty: trusted publishing"
		case def == "":
			def = "empty"
		}
		fmt.Fprintf(&b, "  %s (default %s)\n      %s\n", name, def, in.Usage)
	}
	b.WriteString("\nCommand-line options:\n")
	b.WriteString("  --json FILE (default none)\n")
	b.WriteString("      also write the outputs (files, uploaded-files, skipped-files, release-urls,\n")
	b.WriteString("      attestation-files, verified-files, trusted-publishing) to FILE as one JSON object\n")
	b.WriteString("  --debug (default false)\n")
	b.WriteString("      show debug lines (on GitHub Actions, step debug logging shows them)\n")
	b.WriteString("  --id-token-source SOURCE (default auto)\n")
	b.WriteString("      where trusted publishing gets its OIDC ID token: auto (detected from the\n")
	b.WriteString("      environment), github, gitlab or google\n")
	b.WriteString("\nEnvironment:\n")
	for _, e := range environment {
		fmt.Fprintf(&b, "  %s\n      %s\n", e[0], e[1])
	}
	b.WriteString("\nExit status: 0 published (or the dry run passed), 1 failed, 2 wrong command line.\n")
	b.WriteString("Situation IDs in messages (TP-10, UP-04, ...) are explained in docs/situations.md;\n")
	b.WriteString("CI set-ups are in docs/other-ci.md, at https://github.com/pypi-publish/pypi-publish\n")
	return b.String()
}

// argName names a text flag's argument in the usage text.
func argName(input string) string {
	switch input {
	case "repository-url", "index-url":
		return "URL"
	case "packages-dir":
		return "DIR"
	case "concurrency":
		return "N"
	}
	return "TEXT"
}

// environment lists the variables the command reads, for the usage text.
var environment = [][2]string{
	{"INPUT_<NAME>", "each input, as GitHub's runner sets them: INPUT_PASSWORD, INPUT_REPOSITORY-URL, ...;\n" +
		"      empty means unset. Pass the password this way rather than as --password, which\n" +
		"      other users of the machine can see."},
	{"GITHUB_ACTIONS=true", "a GitHub Actions step: workflow commands, outputs to GITHUB_OUTPUT, summary to\n" +
		"      GITHUB_STEP_SUMMARY; ID tokens from ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN.\n" +
		"      Otherwise the log is plain text and the summary is printed at the end."},
	{"GITLAB_CI=true", "GitLab CI/CD: ID tokens from the job's id_tokens, in <AUDIENCE>_ID_TOKEN variables\n" +
		"      (PYPI_ID_TOKEN, TESTPYPI_ID_TOKEN; SIGSTORE_ID_TOKEN for attestations)"},
	{"GOOGLE_SERVICE_ACCOUNT_NAME", "Google Cloud: make ID tokens for this service account through IAM Credentials;\n" +
		"      unset, a Compute Engine machine's default account is used"},
	{"GCE_METADATA_HOST", "the metadata server's host[:port] (default metadata.google.internal)"},
	{"HTTPS_PROXY, NO_PROXY, SSL_CERT_FILE", "proxy and CA certificates, as usual"},
	{"REQUESTS_CA_BUNDLE, TWINE_CERT", "a CA bundle (PEM) that replaces the system's, as in twine (REQUESTS_CA_BUNDLE wins)"},
	{"TWINE_CLIENT_CERT", "a client certificate with its private key (one PEM file), as in twine"},
	{"TWINE_USERNAME, TWINE_PASSWORD, TWINE_REPOSITORY_URL", "not read: use INPUT_USER, INPUT_PASSWORD and --repository-url"},
	{"PYPI_PUBLISH_*", "test hooks that point the command at fakes (README, \"Test hooks\")"},
}
