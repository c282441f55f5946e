// Command trustupdate refreshes the Sigstore trust data embedded in the
// attest package (attest/sigstore) from Sigstore's TUF repository, with
// the same TUF client the action runs: it starts from the embedded
// root.json (and the embedded timestamp and snapshot as rollback floors),
// follows every root rotation, and writes the newest root, timestamp,
// snapshot and targets metadata, the trusted root, the signing config and
// the date. Nothing is written unless every check passes.
//
//	go run ./attest/internal/trustupdate [-dir attest/sigstore] [-url https://tuf-repo-cdn.sigstore.dev]
//
// .ci/update-sigstore-trust.sh runs it; the release workflow runs that.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/internal/tuf"
)

func main() {
	dir := flag.String("dir", filepath.Join("attest", "sigstore"), "directory of the embedded trust data")
	url := flag.String("url", attest.DefaultTUFURL, "TUF repository")
	timeout := flag.Duration("timeout", 2*time.Minute, "deadline of the whole update")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := update(ctx, *dir, *url, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "trustupdate:", err)
		os.Exit(1)
	}
}

func update(ctx context.Context, dir, url string, out *os.File) error {
	read := func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, name)) }
	root, err := read("root.json")
	if err != nil {
		return err
	}
	ts, _ := read("timestamp.json")
	snap, _ := read("snapshot.json")
	c, err := tuf.New(url, root, tuf.WithTrustedMetadata(ts, snap), tuf.WithRequestTimeout(30*time.Second), tuf.WithUserAgent("pypi-publish trustupdate"))
	if err != nil {
		return err
	}
	if err := c.Update(ctx); err != nil {
		return err
	}
	files := map[string][]byte{}
	for _, role := range []string{"root", "timestamp", "snapshot", "targets"} {
		files[role+".json"] = c.Metadata(role)
	}
	for _, name := range []string{"trusted_root.json", "signing_config.v0.2.json"} {
		b, err := c.Target(ctx, name, 1<<20)
		if err != nil {
			return err
		}
		files[name] = b
	}
	if _, err := attest.ParseTrustedRoot(files["trusted_root.json"]); err != nil {
		return err
	}
	if _, err := attest.ParseSigningConfig(files["signing_config.v0.2.json"]); err != nil {
		return err
	}
	changed := 0
	for name, b := range files {
		if old, err := read(name); err == nil && bytes.Equal(old, b) {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(out, "updated %s\n", filepath.Join(dir, name))
		changed++
	}
	if changed == 0 {
		fmt.Fprintln(out, "nothing new")
		return nil
	}
	date := time.Now().UTC().Truncate(time.Second).Format(time.RFC3339)
	v := c.Versions()
	fmt.Fprintf(out, "Sigstore trust data of %s: TUF root v%d, timestamp v%d, snapshot v%d, targets v%d\n", date, v["root"], v["timestamp"], v["snapshot"], v["targets"])
	return os.WriteFile(filepath.Join(dir, "refreshed.txt"), []byte(date+"\n"), 0o644)
}
