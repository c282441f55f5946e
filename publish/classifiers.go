package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"time"
	"unicode/utf8"

	"github.com/pypi-publish/pypi-publish/dist"
)

// DefaultClassifiersTimeout bounds FetchClassifiers (10 s): the list is
// small, and the preflight falls back to the embedded list rather than
// wait.
const DefaultClassifiersTimeout = 10 * time.Second

// maxClassifierList is the most FetchClassifiers reads (the list is about
// 60 KB).
const maxClassifierList = 2 << 20

// FetchClassifiers gets the classifier list an index serves at listURL
// (target.Target.ClassifiersURL; plain text, one classifier per line) and parses it
// with dist.ParseClassifiers, so that the preflight judges classifiers as
// the index does today. Options as for New; no credentials are sent and
// nothing is retried, because the caller falls back to
// dist.EmbeddedClassifiers. The request is bounded by
// DefaultClassifiersTimeout (or a shorter WithRequestTimeout) and the
// answer by 2 MiB; a redirect, a status other than 200, a type other than
// text/plain, text that is not UTF-8 or not a classifier list is an error
// that names only the URL and what was wrong, never the answer's text.
// Cancelling ctx stops it at once. It never panics.
func FetchClassifiers(ctx context.Context, listURL string, opts ...Option) (*dist.Classifiers, error) {
	u, err := parseHTTPURL(listURL)
	if err != nil {
		return nil, fmt.Errorf("failed to fetch the classifier list: %w", err)
	}
	u.User = nil
	where := u.String()
	o, err := makeOptions(opts)
	if err != nil {
		return nil, fmt.Errorf("failed to fetch the classifier list: %w", err)
	}
	timeout := DefaultClassifiersTimeout
	if o.requestTimeout > 0 && o.requestTimeout < timeout {
		timeout = o.requestTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	b, err := getText(ctx, withoutRedirects(o.httpClient), u, o.userAgent)
	if err != nil {
		return nil, fmt.Errorf("failed to fetch the classifier list from %s: %w", where, err)
	}
	return dist.ParseClassifiers(string(b), where)
}

// getText GETs a plain-text document of at most maxClassifierList bytes.
func getText(ctx context.Context, hc *http.Client, u *url.URL, userAgent string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept", "text/plain")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the index answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "text/plain" {
		return nil, errors.New("the answer is not text/plain")
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxClassifierList+1))
	switch {
	case err != nil:
		return nil, err
	case len(b) > maxClassifierList:
		return nil, fmt.Errorf("the answer is over %d MiB", maxClassifierList>>20)
	case !utf8.Valid(b):
		return nil, errors.New("the answer is not UTF-8")
	}
	return b, nil
}
