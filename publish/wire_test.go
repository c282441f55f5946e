package publish

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/testtool"
	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

const twineBin = "/usr/bin/twine" // Debian's twine 4.0.2 (apt-get install twine)

// wireFiles returns real distributions twine 4.0.2 can read (Metadata-Version
// up to 2.2): Debian's wheels (apt python3-pip-whl python3-setuptools-whl
// python3-wheel-whl) and, when DIST_CORPUS names the output of
// ../shared/tools/build-corpus.sh, its files.
func wireFiles(t *testing.T) []*dist.Distribution {
	t.Helper()
	paths, _ := filepath.Glob("/usr/share/python-wheels/*.whl")
	if c := os.Getenv("DIST_CORPUS"); c != "" {
		more, _ := filepath.Glob(filepath.Join(c, "dists", "*"))
		paths = append(paths, more...)
	} else {
		t.Log("DIST_CORPUS unset: comparing on Debian's wheels only")
	}
	seen := map[string]bool{}
	var out []*dist.Distribution
	for _, p := range paths {
		name := filepath.Base(p)
		if seen[name] {
			continue
		}
		seen[name] = true
		kind := dist.Sdist
		if strings.HasSuffix(name, ".whl") {
			kind = dist.Wheel
		}
		d, err := dist.Read(dist.File{Path: p, Filename: name, Kind: kind})
		if err != nil {
			t.Fatalf("dist.Read(%s): %v", p, err)
		}
		if metadataVersionBelow(d.Metadata.Value("Metadata-Version"), 2, 3) {
			out = append(out, d)
		}
	}
	return out
}

// TestWireCompatibleWithTwine uploads the same real distributions with
// Debian's twine and with this package to publishtest and compares the
// fields each upload carried. Only the differences listed in normalizeWire
// are allowed.
func TestWireCompatibleWithTwine(t *testing.T) {
	if testing.Short() {
		t.Skip("runs twine")
	}
	testtool.Exists(t, twineBin, "apt-get install twine")
	t.Parallel()
	ds := wireFiles(t)
	if len(ds) == 0 {
		testtool.Missing(t, "no distributions: apt-get install python3-pip-whl python3-setuptools-whl python3-wheel-whl")
	}
	twineSrv := publishtest.New(publishtest.WithMode(publishtest.ThirdParty))
	defer twineSrv.Close()
	ourSrv := publishtest.New(publishtest.WithMode(publishtest.ThirdParty))
	defer ourSrv.Close()

	args := []string{"upload", "--repository-url", twineSrv.UploadURL(), "-u", "__token__", "-p", "pypi-test-wire",
		"--disable-progress-bar", "--non-interactive"}
	for _, d := range ds {
		args = append(args, d.Path)
	}
	cmd := exec.CommandContext(t.Context(), twineBin, args...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring", "LC_ALL=C.UTF-8"}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("twine upload: %v\n%s", err, out)
	}
	c := newTestClient(t, ourSrv.UploadURL())
	if _, err := Publish(t.Context(), c, ds, PublishOptions{}); err != nil {
		t.Fatalf("Publish() error = %v", err)
	}
	byName := func(s *publishtest.Server) map[string]publishtest.Upload {
		m := map[string]publishtest.Upload{}
		for _, u := range s.Uploads() {
			m[u.Filename] = u
		}
		return m
	}
	theirs, ours := byName(twineSrv), byName(ourSrv)
	for _, d := range ds {
		tw, ok1 := theirs[d.Filename]
		us, ok2 := ours[d.Filename]
		if !ok1 || !ok2 {
			t.Errorf("%s: received from twine %v, from us %v", d.Filename, ok1, ok2)
			continue
		}
		if diff := cmp.Diff(normalizeWire(tw.Fields, true), normalizeWire(us.Fields, false)); diff != "" {
			t.Errorf("%s: fields differ from twine's (-twine +ours):\n%s", d.Filename, diff)
		}
		if tw.SHA256 != us.SHA256 || us.SHA256 != d.Digests.SHA256 || tw.ContentType != us.ContentType {
			t.Errorf("%s: content sha256/type twine %s %s, ours %s %s", d.Filename, tw.SHA256, tw.ContentType, us.SHA256, us.ContentType)
		}
		if tw.User != us.User {
			t.Errorf("%s: user twine %q, ours %q", d.Filename, tw.User, us.User)
		}
	}
	t.Logf("compared %d files", len(ds))
}

// normalizeWire applies the documented differences between twine 4.0.2's
// form and ours, then sorts by field name (keeping the order of repeated
// values). Field order itself is not compared: Warehouse does not depend on
// it, and twine's follows a Python dict.
func normalizeWire(in []publishtest.Field, twine bool) []publishtest.Field {
	var out []publishtest.Field
	for _, f := range in {
		switch {
		case f.Value == "":
			// twine 4 sends every absent single-valued field as an empty
			// string (home_page, author, comment, ...); we send only
			// requires_python empty (for GitLab). Warehouse treats "" as
			// absent, so neither counts.
			continue
		case twine && f.Name == "provides_extras":
			// twine 4 sends "provides_extras", a name Warehouse ignores;
			// we send Warehouse's "provides_extra", as twine 7 does.
			f.Name = "provides_extra"
		case f.Name == "keywords":
			// twine 4 sends Keywords as written; we split on "," and join
			// with ", " as twine 7 does.
			f.Value = joinKeywords(f.Value)
		case !twine && f.Name != "description" && strings.Contains(f.Value, "\n"):
			// A folded header (setuptools puts a whole license text in
			// License:). We send it unfolded but with its line breaks, as
			// packaging (twine 7, Warehouse) reads it; twine 4's pkginfo
			// joins the stripped lines with spaces.
			lines := strings.Split(f.Value, "\n")
			for i := range lines {
				lines[i] = strings.TrimSpace(lines[i])
			}
			f.Value = strings.Join(lines, " ")
		case !twine && f.Name == "pyversion" && f.Value == "source":
			// twine 4 sends an empty pyversion for sdists (dropped above);
			// twine >= 6.1 and we send "source".
			continue
		}
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// TestCorpusAgainstStrictPyPI uploads every real distribution (all metadata
// versions) to the PyPI-mode fake: files whose names carry the normalized
// project name must be accepted; the others (bookworm's setuptools and flit
// keep the project's spelling) must be refused with PyPI's reason (UP-14).
func TestCorpusAgainstStrictPyPI(t *testing.T) {
	t.Parallel()
	paths, _ := filepath.Glob("/usr/share/python-wheels/*.whl")
	if c := os.Getenv("DIST_CORPUS"); c != "" {
		more, _ := filepath.Glob(filepath.Join(c, "dists", "*"))
		paths = append(paths, more...)
	}
	if len(paths) == 0 {
		testtool.Missing(t, "no real distributions installed (apt-get install python3-pip-whl python3-setuptools-whl python3-wheel-whl)")
	}
	s := publishtest.New()
	defer s.Close()
	c := newTestClient(t, s.UploadURL())
	seen := map[string]bool{}
	for _, p := range paths {
		name := filepath.Base(p)
		if seen[name] {
			continue
		}
		seen[name] = true
		kind := dist.Sdist
		if strings.HasSuffix(name, ".whl") {
			kind = dist.Wheel
		}
		d, err := dist.Read(dist.File{Path: p, Filename: name, Kind: kind})
		if err != nil {
			t.Fatalf("dist.Read(%s): %v", p, err)
		}
		prefix, _, _ := strings.Cut(name, "-")
		wantOK := prefix == strings.ReplaceAll(dist.NormalizeName(d.Name()), "-", "_")
		_, err = c.Upload(t.Context(), d, UploadOptions{})
		switch {
		case wantOK && err != nil:
			t.Errorf("%s: Upload() error = %v, want success", name, err)
		case !wantOK && err == nil:
			t.Errorf("%s: accepted, want PyPI's file-name refusal", name)
		case !wantOK && Classify(err).ID != "UP-14":
			t.Errorf("%s: error %v classified %+v, want UP-14", name, err, Classify(err))
		}
	}
}
