package publish_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/publish"
	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

// ExampleNew uploads one distribution to a fake index, with an existing-file
// check through its simple API.
func ExampleNew() {
	index := publishtest.New()
	defer index.Close()

	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "demo_pkg-1.0-py3-none-any.whl")
	_ = os.WriteFile(path, []byte("wheel bytes"), 0o644)
	d, err := dist.Read(dist.File{Path: path, Filename: filepath.Base(path), Kind: dist.Wheel})
	if err != nil {
		// Not a real wheel: describe it by hand.
		d = exampleDist(path)
	}

	c, err := publish.New(index.UploadURL(),
		publish.WithCredentials(publish.Static{User: "__token__", Password: "pypi-example"}),
		publish.WithUserAgent("pypi-publish/example"))
	if err != nil {
		fmt.Println(err)
		return
	}
	idx, err := publish.NewIndex(index.SimpleURL())
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	for range 2 {
		out, err := publish.Publish(ctx, c, []*dist.Distribution{d}, publish.PublishOptions{Index: idx})
		fmt.Println(out[0].Dist.Filename, out[0].Status, err)
	}
	// Output:
	// demo_pkg-1.0-py3-none-any.whl uploaded <nil>
	// demo_pkg-1.0-py3-none-any.whl skipped-identical <nil>
}

func exampleDist(path string) *dist.Distribution {
	b, _ := os.ReadFile(path)
	return &dist.Distribution{
		Path: path, Filename: filepath.Base(path), Kind: dist.Wheel, Size: int64(len(b)),
		Digests: dist.Digests{SHA256: fmt.Sprintf("%x", sha256.Sum256(b))},
		Metadata: &dist.Metadata{Headers: []dist.Header{
			{Name: "Metadata-Version", Value: "2.1"}, {Name: "Name", Value: "demo-pkg"}, {Name: "Version", Value: "1.0"},
		}},
	}
}
