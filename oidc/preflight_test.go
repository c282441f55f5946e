package oidc_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/oidc"
)

func TestPreflight(t *testing.T) {
	t.Parallel()
	ok := oidc.Env{GitHubActions: true, RequestURLSet: true, RequestTokenSet: true, EventName: "push", ServerURL: "https://github.com", PyPI: true}
	with := func(f func(*oidc.Env)) oidc.Env { e := ok; f(&e); return e }
	forkPayload := []byte(`{"pull_request":{"head":{"repo":{"fork":true}}}}`)
	cases := []struct {
		name     string
		env      oidc.Env
		wantID   string // "" = no error
		wantText []string
		notConf  bool
	}{
		{name: "ok", env: ok},
		{name: "ok_empty_server_url", env: with(func(e *oidc.Env) { e.ServerURL = "" })},
		{name: "ok_server_url_trailing_slash", env: with(func(e *oidc.Env) { e.ServerURL = "https://GitHub.com/" })},
		{name: "ok_ghes_third_party_index", env: with(func(e *oidc.Env) { e.ServerURL = "https://github.example.com"; e.PyPI = false })},
		{name: "ok_pull_request_target_third_party", env: with(func(e *oidc.Env) { e.EventName = "pull_request_target"; e.PyPI = false })},
		{name: "ok_same_repo_pull_request", env: with(func(e *oidc.Env) {
			e.EventName = "pull_request"
			e.EventPayload = []byte(`{"pull_request":{"head":{"repo":{"fork":false}}}}`)
		})},
		{name: "TP-17_not_github_actions", env: with(func(e *oidc.Env) { e.GitHubActions = false }),
			wantID: "TP-17", wantText: []string{"GITHUB_ACTIONS", "GITLAB_CI", "ActiveState"}, notConf: true},
		{name: "TP-04_ghes", env: with(func(e *oidc.Env) { e.ServerURL = "https://github.example.com" }),
			wantID: "TP-04", wantText: []string{"https://github.example.com", oidc.GitHubIssuer, "API token"}},
		{name: "TP-04_ghe_com", env: with(func(e *oidc.Env) { e.ServerURL = "https://octo.ghe.com" }),
			wantID: "TP-04", wantText: []string{"octo.ghe.com"}},
		{name: "TP-03_pull_request_target", env: with(func(e *oidc.Env) { e.EventName = "pull_request_target" }),
			wantID: "TP-03", wantText: []string{"pull_request_target", "workflow_dispatch"}},
		{name: "TP-01_both_missing", env: with(func(e *oidc.Env) { e.RequestURLSet = false; e.RequestTokenSet = false }),
			wantID: "TP-01", wantText: []string{"ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set", "id-token: write", oidc.PermissionsURL, oidc.DocsURL, "secret"},
			notConf: true},
		{name: "TP-01_token_missing", env: with(func(e *oidc.Env) { e.RequestTokenSet = false }),
			wantID: "TP-01", wantText: []string{"ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set"}, notConf: true},
		{name: "TP-01_url_missing", env: with(func(e *oidc.Env) { e.RequestURLSet = false }),
			wantID: "TP-01", wantText: []string{"ACTIONS_ID_TOKEN_REQUEST_URL is not set"}, notConf: true},
		{name: "TP-02_fork", env: with(func(e *oidc.Env) {
			e.RequestURLSet, e.RequestTokenSet = false, false
			e.EventName = "pull_request"
			e.EventPayload = forkPayload
		}), wantID: "TP-02", wantText: []string{"fork", "release"}, notConf: true},
		{name: "TP-01_pull_request_unreadable_payload", env: with(func(e *oidc.Env) {
			e.RequestURLSet, e.RequestTokenSet = false, false
			e.EventName = "pull_request"
			e.EventPayload = []byte("{not json")
		}), wantID: "TP-01", wantText: []string{"could not be read"}, notConf: true},
		{name: "TP-01_pull_request_from_same_repo", env: with(func(e *oidc.Env) {
			e.RequestTokenSet = false
			e.EventName = "pull_request"
			e.EventPayload = []byte(`{"pull_request":{"head":{"repo":{"fork":false}}}}`)
		}), wantID: "TP-01", notConf: true},
		{name: "fork_with_token_is_fine", env: with(func(e *oidc.Env) {
			e.EventName = "pull_request"
			e.EventPayload = forkPayload
		})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := oidc.Preflight(tc.env)
			if tc.wantID == "" {
				if err != nil {
					t.Fatalf("Preflight() = %v, want nil", err)
				}
				return
			}
			var oe *oidc.Error
			if !errors.As(err, &oe) {
				t.Fatalf("Preflight() = %v, want *oidc.Error %s", err, tc.wantID)
			}
			if oe.ID != tc.wantID {
				t.Errorf("Preflight() ID = %s, want %s", oe.ID, tc.wantID)
			}
			if oe.Message == "" || oe.Hint == "" || !strings.Contains(oe.Details, tc.wantID) {
				t.Errorf("Preflight() = %+v; want Message, Hint and Details naming the ID", oe)
			}
			if strings.Contains(oe.Message, "\n") {
				t.Errorf("Preflight() Message has a line break: %q", oe.Message)
			}
			all := oe.Message + "\n" + oe.Hint + "\n" + oe.Details
			for _, w := range tc.wantText {
				if !strings.Contains(all, w) {
					t.Errorf("Preflight() texts do not contain %q:\n%s", w, all)
				}
			}
			if got := errors.Is(err, oidc.ErrNotConfigured); got != tc.notConf {
				t.Errorf("errors.Is(err, ErrNotConfigured) = %v, want %v", got, tc.notConf)
			}
		})
	}
}
