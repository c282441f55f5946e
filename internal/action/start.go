package action

import (
	"sort"
	"strings"

	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/target"
)

// maskPassword masks the password before anything else is printed (STYLE
// C4) and drops surrounding whitespace, which is never part of a token
// (AU-05). It returns the configuration with the trimmed password.
func maskPassword(c console.Console, cfg config.Config) config.Config {
	if cfg.Password == "" {
		return cfg
	}
	c.AddMask(cfg.Password)
	if t := strings.TrimSpace(cfg.Password); t != cfg.Password {
		c.AddMask(t)
		c.Warningf("Password has surrounding whitespace",
			"The password input has leading or trailing whitespace; it was removed. Fix the secret's value so it holds only the token.")
		cfg.Password = t
	}
	return cfg
}

// maskRunner masks the secrets of the runner's environment before
// anything is printed: GitHub's token-request token and a GitLab job's ID
// tokens (STYLE C4). They are never printed on purpose; the masks catch
// a server that echoes one.
func maskRunner(c console.Console, env config.Runner) {
	c.AddMask(env.IDTokenToken)
	names := make([]string, 0, len(env.GitLab.IDTokens))
	for k := range env.GitLab.IDTokens {
		names = append(names, k)
	}
	sort.Strings(names) // the same order every run
	for _, k := range names {
		c.AddMask(env.GitLab.IDTokens[k])
	}
}

// start checks the inputs and decides the target: which index, which
// URLs. Odd booleans keep the original action's meaning with a warning
// (IN-02); invalid inputs fail the run before anything is read (IN-03).
func start(c console.Console, cfg config.Config, hooks config.Hooks) (target.Target, error) {
	c.Debugf("inputs: %s", cfg)
	for _, o := range cfg.OddBools() {
		c.Warningf("Unusual boolean input",
			"Input %s is neither true nor false; it is treated as true for compatibility with pypa/gh-action-pypi-publish. Use true or false.", o)
	}
	if err := cfg.Validate(); err != nil {
		return target.Target{}, &Error{ID: "IN-03", Title: "Invalid inputs", Message: err.Error(), Err: err,
			Hint: "Known upload URLs are https://upload.pypi.org/legacy/ (PyPI) and https://test.pypi.org/legacy/ (TestPyPI)."}
	}
	tg, err := target.New(cfg.RepositoryURL, cfg.IndexURL, hooks.IndexKind)
	if err != nil {
		return tg, &Error{ID: "IN-03", Title: "Invalid inputs", Message: err.Error(), Err: err}
	}
	if hooks.WebBase != "" {
		// PYPI_PUBLISH_WEB_BASE: release and publisher links on a test
		// index's own site (the demo).
		tg.WebBase = strings.TrimRight(hooks.WebBase, "/")
	}
	if tg.SlashAdded {
		// IN-05: Warehouse redirects /legacy to /legacy/; redirects are
		// never followed.
		c.Warningf("Missing trailing slash",
			"repository-url %s lacks the trailing slash; using %s. Add the slash to silence this warning.", cfg.RepositoryURL, tg.UploadURL)
	}
	return tg, nil
}
