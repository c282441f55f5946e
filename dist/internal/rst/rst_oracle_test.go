package rst

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const python = "/usr/bin/python3"

// minAgreement is the lowest acceptable share of documents on which the
// checker and readme_renderer agree (PASS/FAIL). The handwritten corpus
// covers each construct both ways and the real READMEs are what users
// upload; 0.90 leaves room for docutils corners the checker does not model
// while catching any regression that flips a whole construct.
const minAgreement = 0.90

type oracleDoc struct {
	Name     string `json:"name"`
	Text     string `json:"text"`
	OK       bool   `json:"ok"`
	Messages string `json:"messages"`
}

// runOracle renders docs (and the READMEs found by the collect globs) with
// Debian's readme_renderer in one python3 process.
func runOracle(t *testing.T, docs []oracleDoc, collect []string) []oracleDoc {
	t.Helper()
	if err := exec.Command(python, "-c", "import readme_renderer.rst").Run(); err != nil {
		t.Skipf("%s lacks readme_renderer (apt install python3-readme-renderer): %v", python, err)
	}
	req, err := json.Marshal(map[string]any{"docs": docs, "collect": collect})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, filepath.Join("testdata", "oracle.py"))
	cmd.Stdin = bytes.NewReader(req)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle failed: %v\n%s", err, stderr.String())
	}
	var res []oracleDoc
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("failed to decode oracle output: %v", err)
	}
	return res
}

func loadDocs(t *testing.T) []oracleDoc {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "docs", "*.rst"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var docs []oracleDoc
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, oracleDoc{Name: filepath.Base(f), Text: string(b)})
	}
	return docs
}

// TestAgreementWithReadmeRenderer compares the checker's verdicts with
// readme_renderer's (what `twine check` and PyPI use) on the handwritten
// corpus in testdata/docs and on the reStructuredText long descriptions of
// the Python distributions installed on this machine, and fails when the
// agreement drops below minAgreement.
func TestAgreementWithReadmeRenderer(t *testing.T) {
	t.Parallel()
	collect := []string{
		"/usr/lib/python3/dist-packages/*.dist-info",
		"/usr/lib/python3/dist-packages/*.egg-info",
		"/usr/share/python-wheels/*.whl",
	}
	if dir := os.Getenv("DIST_CORPUS"); dir != "" {
		collect = append(collect, filepath.Join(dir, "dists", "*"))
	}
	res := runOracle(t, loadDocs(t), collect)
	agree := 0
	var hand, handAgree int
	for _, d := range res {
		got := len(Check(d.Text)) == 0
		isHand := !strings.HasPrefix(d.Name, "/")
		if isHand {
			hand++
		}
		if got == d.OK {
			agree++
			if isHand {
				handAgree++
			}
			continue
		}
		t.Logf("disagree on %s: checker pass=%v, readme_renderer pass=%v\n  docutils: %s\n  checker: %v",
			d.Name, got, d.OK, strings.TrimSpace(d.Messages), Check(d.Text))
	}
	ratio := float64(agree) / float64(len(res))
	t.Logf("agreement with readme_renderer: %d/%d = %.3f (handwritten %d/%d, real READMEs %d/%d)",
		agree, len(res), ratio, handAgree, hand, agree-handAgree, len(res)-hand)
	if ratio < minAgreement {
		t.Errorf("agreement %.3f is below %.2f", ratio, minAgreement)
	}
}
