package publish

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Warehouse's JSON API (https://docs.pypi.org/api/json/): GET
// /pypi/<project>/<version>/json describes one release, with one entry per
// file in "urls" (filename, size, digests.sha256 among others). Warehouse
// finds the release by the normalized project name and the canonical
// version, so the version as the metadata spells it works; an unknown
// project or release is 404 {"message": "Not Found"}.

// jsonRelease is the part of a release's JSON Verify reads.
type jsonRelease struct {
	URLs []struct {
		Filename string            `json:"filename"`
		Size     *int64            `json:"size"`
		Digests  map[string]string `json:"digests"`
		Yanked   bool              `json:"yanked"`
		Reason   *string           `json:"yanked_reason"`
	} `json:"urls"`
}

// jsonListing reads one release from the JSON API and keeps the files
// named in want. A 404 lists nothing. It returns the page's URL.
func (v *Verifier) jsonListing(ctx context.Context, project, version string, want map[string]bool) (string, map[string]listed, error) {
	u, err := joinEscaped(v.api, "pypi", project, version, "json")
	if err != nil {
		return "", nil, &permanentError{err}
	}
	f, err := v.fetch(ctx, u, "application/json", maxJSONRelease, false, nil)
	if err != nil || f.status == http.StatusNotFound {
		return redactURL(u), nil, err
	}
	files, err := parseJSONRelease(f.body, want)
	if err != nil {
		err = &permanentError{fmt.Errorf("GET %s: %w", redactURL(u), err)}
	}
	return redactURL(u), files, err
}

// parseJSONRelease reads a release's JSON, keeping the files named in want
// with their sha256, size and yank.
func parseJSONRelease(b []byte, want map[string]bool) (map[string]listed, error) {
	var r jsonRelease
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("failed to decode the JSON API's answer: %w", err)
	}
	files := map[string]listed{}
	for _, f := range r.URLs {
		if !want[f.Filename] {
			continue
		}
		l := listed{sha256: strings.ToLower(f.Digests["sha256"]), size: -1}
		if f.Size != nil && *f.Size >= 0 {
			l.size = *f.Size
		}
		if f.Yanked {
			l.yanked = true
			if f.Reason != nil {
				l.reason = cutReason(*f.Reason)
			}
		}
		files[f.Filename] = l
	}
	return files, nil
}
