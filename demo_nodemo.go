//go:build nodemo

package main

import (
	"context"
	"errors"
	"io"
)

// runDemo is left out of the image (built with -tags nodemo) to keep it
// small: the demo's fake index and samples are for local use.
func runDemo(context.Context, io.Writer, []string) error {
	return errors.New("this build has no demo (the release binaries and the image leave it out); run it from a checkout with `go run . demo`")
}
