package action

import (
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/target"
	"github.com/pypi-publish/pypi-publish/publish"
)

// TestServersKnownToPublish checks that every index software
// internal/target recognises is one publish.WithServer accepts, so a run
// never stops on a name the two packages spell differently.
func TestServersKnownToPublish(t *testing.T) {
	t.Parallel()
	servers := []target.Server{target.ServerUnknown, target.ServerPypiserver, target.ServerDevpi,
		target.ServerArtifactory, target.ServerNexus, target.ServerGitLab, target.ServerGitea,
		target.ServerCodeArtifact, target.ServerAzure, target.ServerGoogle}
	for _, s := range servers {
		if _, err := publish.New("https://index.example/legacy/", publish.WithServer(string(s))); err != nil {
			t.Errorf("publish.New(WithServer(%q)) error = %v", s, err)
		}
	}
	if _, err := publish.New("https://index.example/legacy/", publish.WithServer("warehouse2")); err == nil {
		t.Error("publish.New(WithServer(\"warehouse2\")) error = nil, want an unknown server refused")
	}
}
