package action

import (
	"os"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/internal/console"
)

// find resolves packages-dir against the workspace and returns the
// distribution files in upload order, and the workspace (the directory
// paths are shown relative to). Files that are not distributions are
// named in a warning (DS-06), GPG signatures in a notice (DS-07).
func find(c console.Console, cfg config.Config, env config.Runner) (*dist.Found, string, error) {
	workdir := env.Workspace
	if workdir == "" || !dirExists(workdir) {
		workdir, _ = os.Getwd()
	}
	found, err := dist.Find(cfg.PackagesEntries(), workdir)
	if err != nil {
		return nil, workdir, fail("Cannot read packages-dir", err)
	}
	if len(found.Unrelated) > 0 {
		c.Warningf("Unrelated files ignored",
			"These files in packages-dir are not distributions and will not be uploaded: %s. Keep packages-dir for distributions only.",
			listSome(relPaths(workdir, found.Unrelated), 20))
	}
	if len(found.Signatures) > 0 {
		c.Noticef("", "GPG signatures are not uploaded (PyPI ignores them): %s", listSome(relPaths(workdir, found.Signatures), 20))
	}
	return found, workdir, nil
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
