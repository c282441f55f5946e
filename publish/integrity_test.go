package publish

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// reencoded returns att with its base64 fields written with enc, as an
// index that re-serialises them might.
func reencoded(t *testing.T, att map[string]any, enc *base64.Encoding) map[string]any {
	t.Helper()
	b, _ := json.Marshal(att)
	var c map[string]any
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	re := func(m map[string]any, k string) {
		raw, err := base64.StdEncoding.DecodeString(m[k].(string))
		if err != nil {
			t.Fatal(err)
		}
		m[k] = enc.EncodeToString(raw)
	}
	re(c["envelope"].(map[string]any), "statement")
	re(c["envelope"].(map[string]any), "signature")
	re(c["verification_material"].(map[string]any), "certificate")
	return c
}

func provenanceDoc(t *testing.T, bundles ...map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"version": 1, "attestation_bundles": bundles})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func bundle(pub map[string]any, atts ...map[string]any) map[string]any {
	return map[string]any{"publisher": pub, "attestations": atts}
}

var githubPub = map[string]any{"kind": "GitHub", "repository": "octo-org/octo-repo", "workflow": "release.yml", "environment": nil}

// TestCheckProvenance compares decoded values, checks containment rather
// than equality, and reads the publisher forms Warehouse has served.
func TestCheckProvenance(t *testing.T) {
	t.Parallel()
	ours, companion, other := synthAttestation("ours"), synthAttestation("slsa"), synthAttestation("other")
	type want struct {
		Served, Contains, PublisherOK bool
		Publisher                     Publisher
		Ours, Theirs                  int
		Err                           bool
	}
	ok := want{Served: true, Contains: true, PublisherOK: true, Publisher: ourPublisher, Ours: 1, Theirs: 1}
	cases := []struct {
		name     string
		uploaded []map[string]any
		body     func(t *testing.T) []byte
		expect   Publisher
		want     want
	}{
		{"same", []map[string]any{ours}, func(t *testing.T) []byte { return provenanceDoc(t, bundle(githubPub, ours)) }, ourPublisher, ok},
		{"reencoded_unpadded_urlsafe", []map[string]any{ours}, func(t *testing.T) []byte {
			return provenanceDoc(t, bundle(githubPub, reencoded(t, ours, base64.RawURLEncoding)))
		}, ourPublisher, ok},
		{"repository_case_differs", []map[string]any{ours}, func(t *testing.T) []byte {
			return provenanceDoc(t, bundle(map[string]any{"kind": "GitHub", "repository": "Octo-Org/Octo-Repo", "workflow": "release.yml", "claims": nil}, ours))
		}, ourPublisher, want{Served: true, Contains: true, PublisherOK: true, Publisher: Publisher{Kind: "GitHub", Repository: "Octo-Org/Octo-Repo", Workflow: "release.yml"}, Ours: 1, Theirs: 1}},
		{"added_later", []map[string]any{ours}, func(t *testing.T) []byte {
			return provenanceDoc(t, bundle(githubPub, other, ours), bundle(map[string]any{"kind": "GitLab", "repository": "x/y", "workflow_filepath": ".gitlab-ci.yml"}, other))
		}, ourPublisher, want{Served: true, Contains: true, PublisherOK: true, Publisher: ourPublisher, Ours: 1, Theirs: 3}},
		{"companion_missing", []map[string]any{ours, companion}, func(t *testing.T) []byte { return provenanceDoc(t, bundle(githubPub, ours)) },
			ourPublisher, want{Served: true, PublisherOK: true, Publisher: ourPublisher, Ours: 2, Theirs: 1}},
		{"other_attestation", []map[string]any{ours}, func(t *testing.T) []byte { return provenanceDoc(t, bundle(githubPub, other)) },
			ourPublisher, want{Served: true, PublisherOK: true, Publisher: ourPublisher, Ours: 1, Theirs: 1}},
		{"same_signature_other_certificate", []map[string]any{ours}, func(t *testing.T) []byte {
			c := reencoded(t, ours, base64.StdEncoding)
			c["verification_material"].(map[string]any)["certificate"] = base64.StdEncoding.EncodeToString([]byte("another certificate"))
			return provenanceDoc(t, bundle(githubPub, c))
		}, ourPublisher, want{Served: true, PublisherOK: true, Publisher: ourPublisher, Ours: 1, Theirs: 1}},
		{"foreign_publisher", []map[string]any{ours}, func(t *testing.T) []byte {
			return provenanceDoc(t, bundle(map[string]any{"kind": "GitHub", "repository": "mallory/other", "workflow": "release.yml"}, ours))
		}, ourPublisher, want{Served: true, Contains: true, Publisher: Publisher{Kind: "GitHub", Repository: "mallory/other", Workflow: "release.yml"}, Ours: 1, Theirs: 1}},
		{"no_publisher_expected", []map[string]any{ours}, func(t *testing.T) []byte {
			return provenanceDoc(t, bundle(map[string]any{"kind": "Google", "email": "sa@example.iam.gserviceaccount.com"}, ours))
		}, Publisher{}, want{Served: true, Contains: true, PublisherOK: true, Publisher: Publisher{Kind: "Google", Email: "sa@example.iam.gserviceaccount.com"}, Ours: 1, Theirs: 1}},
		{"no_bundles", []map[string]any{ours}, func(t *testing.T) []byte { return provenanceDoc(t) }, ourPublisher,
			want{Served: true, PublisherOK: true, Ours: 1}},
		{"unreadable_served_attestation_skipped", []map[string]any{ours}, func(t *testing.T) []byte {
			return provenanceDoc(t, bundle(githubPub, map[string]any{"envelope": "x"}, ours))
		}, ourPublisher, ok},
		{"version_2", []map[string]any{ours}, func(t *testing.T) []byte { return []byte(`{"version":2,"attestation_bundles":[]}`) }, ourPublisher, want{Err: true}},
		{"not_json", []map[string]any{ours}, func(t *testing.T) []byte { return []byte(`<html>`) }, ourPublisher, want{Err: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := checkProvenance(tc.body(t), attestationsField(t, tc.uploaded...), tc.expect)
			got := want{Served: r.Served, Contains: r.Contains, PublisherOK: r.PublisherOK, Publisher: r.Publisher,
				Ours: len(r.Ours), Theirs: len(r.Theirs), Err: r.Err != nil}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("checkProvenance() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPublisherString(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 300)
	got := Publisher{Kind: "GitHub", Repository: long, Workflow: "release.yml"}.String()
	if len(got) > 140 || !strings.HasSuffix(got, ", workflow release.yml") {
		t.Errorf("String() = %q, want each part cut at 100 bytes", got)
	}
}

// FuzzCheckProvenance: any answer is judged without panicking.
func FuzzCheckProvenance(f *testing.F) {
	ours := attestationsField(f, synthAttestation("ours"))
	f.Add([]byte(`{"version":1,"attestation_bundles":[{"publisher":{"kind":"GitHub"},"attestations":[{"envelope":{"statement":"AA==","signature":"AA=="},"verification_material":{"certificate":"AA=="}}]}]}`))
	f.Add([]byte(`{"version":1,"attestation_bundles":[{"publisher":null,"attestations":null}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r := checkProvenance(body, ours, ourPublisher)
		if r.Contains && !r.Served {
			t.Errorf("Contains without Served")
		}
	})
}
