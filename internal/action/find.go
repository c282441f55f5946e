package action

import (
	"errors"
	"os"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/internal/console"
)

// find resolves packages-dir against the workspace and returns the
// distribution files in upload order, and the workspace (the directory
// paths are shown relative to). Files that are not distributions are
// named in a warning (DS-06), as are files a glob matched besides
// directories (IN-04), GPG signatures in a notice (DS-07). Outside
// GitHub Actions the hint of a missing directory speaks of the working
// directory, not of a Docker action's workspace.
func find(c console.Console, cfg config.Config, env config.Runner) (*dist.Found, string, error) {
	workdir := env.Workspace
	if workdir == "" || !dirExists(workdir) {
		workdir, _ = os.Getwd()
	}
	found, err := dist.Find(cfg.PackagesEntries(), workdir)
	if err != nil {
		var fe *dist.FindError
		// A pattern that matched only files has a hint of its own.
		if !env.Actions && errors.As(err, &fe) && (fe.ID == "DS-01" || fe.ID == "IN-04" && len(fe.Paths) == 0) {
			// dist's hint is about a Docker action's view of the runner.
			fe.Hint = "Relative paths are relative to the working directory (" + workdir + "). Run the command in the project " +
				"that holds the distributions (python -m build writes them to dist/ there), or pass --packages-dir"
		}
		return nil, workdir, fail("Cannot read packages-dir", err)
	}
	if len(found.Unrelated) > 0 {
		c.Warningf("Unrelated files ignored",
			"These files in packages-dir are not distributions and will not be uploaded: %s. Keep packages-dir for distributions only.",
			listSome(relPaths(workdir, found.Unrelated), 20))
	}
	if len(found.NotDirs) > 0 {
		c.Warningf("Pattern matched files",
			"These files matched a packages-dir pattern but are not uploaded, because packages-dir names directories and only the distributions directly in them are uploaded: %s. To upload them, name their directory in packages-dir.",
			listSome(relPaths(workdir, found.NotDirs), 20))
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
