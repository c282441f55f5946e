package action

import (
	"encoding/base64"
	"maps"
	"slices"
	"strings"

	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/target"
)

// maskSecrets masks, before anything else is printed, every
// secret the run starts with: the password as given and trimmed, the
// base64 of user:password (an Authorization header), the runner's tokens
// (maskRunner), credentials written into a URL input (IN-09) and input
// values that look like secrets (IN-02). The console's scrubber then removes them
// and their wire forms from everything printed. It drops surrounding
// whitespace from the password, which is never part of a token (AU-05),
// and returns the configuration with the trimmed password.
func maskSecrets(c *console.Guarded, cfg config.Config, env config.Runner) config.Config {
	maskRunner(c, env)
	for _, s := range cfg.Secrets() {
		c.AddMask(s)
	}
	if cfg.Password == "" {
		return cfg
	}
	if t := strings.TrimSpace(cfg.Password); t != cfg.Password {
		c.Warningf("Password has surrounding whitespace",
			"The password input has leading or trailing whitespace; it was removed. Fix the secret's value so it holds only the token.")
		cfg.Password = t
	}
	c.Secrets().AddBasic(cfg.User, cfg.Password)
	c.AddMask(base64.StdEncoding.EncodeToString([]byte(cfg.User + ":" + cfg.Password)))
	return cfg
}

// maskRunner masks the secrets of the runner's environment before
// anything is printed: GitHub's token-request token and a GitLab job's ID
// tokens. They are never printed on purpose; the masks catch
// a server that echoes one.
func maskRunner(c console.Console, env config.Runner) {
	c.AddMask(env.IDTokenToken)
	names := slices.Sorted(maps.Keys(env.GitLab.IDTokens)) // the same order every run
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
			"repository-url %s lacks the trailing slash; using %s. Add the slash to silence this warning.", config.RedactURL(cfg.RepositoryURL), tg.UploadURL)
	}
	return tg, nil
}
