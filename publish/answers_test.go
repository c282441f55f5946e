package publish

import (
	"os"
	"strings"
	"testing"
)

// docs/indexes.md lists every known answer with its status and text.
func TestKnownAnswersDocumented(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../docs/indexes.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, a := range knownAnswers {
		for _, text := range a.texts {
			if !strings.Contains(doc, "`"+text) {
				t.Errorf("docs/indexes.md does not quote %s's %d answer %q", a.server, a.status, text)
			}
		}
	}
	for _, s := range []string{"pypiserver", "devpi", "artifactory", "nexus", "gitlab", "gitea", "codeartifact", "azure", "google"} {
		if !knownServer(s) {
			t.Errorf("knownServer(%q) = false", s)
		}
	}
}

// Only the known answers count: a status alone or a phrase alone does not.
func TestMatchAnswer(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name          string
		status        int
		message, body string
		server        string
		pypi          bool
		want          meaning
	}{
		{"warehouse", 400, "File already exists ('f', with blake2_256 hash 'x'). See …", "", "", true, meansConflict},
		{"warehouse_prefix_only", 400, "Oops: File already exists", "", "", true, 0},
		{"pypiserver_in_body", 409, "Conflict", "<pre>Package &#039;f&#039; already exists!\n  You may start server with `--overwrite` option.</pre>", "", false, meansExists},
		{"pypiserver_text_on_pypi_ignored", 409, "Package 'f' already exists!\n  You may start server with `--overwrite` option.", "", "", true, 0},
		{"devpi_identical", 200, "Upload of identical file to non volatile index.", "", "devpi", false, meansIdentical},
		{"devpi_conflict", 409, "f already exists in non-volatile index", "", "", false, meansConflict},
		{"codeartifact_409", 409, "Conflict", "", "codeartifact", false, meansConflict},
		{"codeartifact_409_elsewhere", 409, "Conflict", "", "nexus", false, 0},
		{"gitlab_wrong_status", 409, "File name has already been taken", "", "", false, 0},
		{"classifier_already_exists", 400, "Classifier 'X' already exists", "", "", false, 0},
		{"azure_typekey", 409, "x", `{"typeKey":"PackageAlreadyExistsException"}`, "", false, meansExists},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got meaning
			if a := matchAnswer(tc.status, tc.message, tc.body, tc.server, tc.pypi); a != nil {
				got = a.meaning
			}
			if got != tc.want {
				t.Errorf("matchAnswer() = %v, want %v", got, tc.want)
			}
		})
	}
}
