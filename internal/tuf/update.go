package tuf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

func (c *Client) updateTimestamp(ctx context.Context) error {
	const file = "timestamp.json"
	raw, err := c.fetch(ctx, file, c.metaURL+file, c.o.limits.Timestamp)
	if err != nil {
		return err
	}
	m, err := parse[metaSigned](file, raw, roleTimestamp)
	if err != nil {
		return err
	}
	if err := m.verify(file, c.root.signed.Keys, c.root.signed.Roles[roleTimestamp]); err != nil {
		return err
	}
	snap, ok := m.signed.Meta["snapshot.json"]
	if !ok || snap.Version < 1 {
		return fail(file, ErrMalformed, "no snapshot.json version")
	}
	if old := c.timestamp; old != nil {
		if m.h.Version < old.h.Version {
			return fail(file, ErrRollback, fmt.Sprintf("version %d, trusted %d", m.h.Version, old.h.Version))
		}
		if oldSnap := old.signed.Meta["snapshot.json"].Version; snap.Version < oldSnap {
			return fail(file, ErrRollback, fmt.Sprintf("snapshot version %d, trusted %d", snap.Version, oldSnap))
		}
		if m.h.Version == old.h.Version {
			// Nothing new: keep the trusted copy (as python-tuf does).
			m = old
		}
	}
	if m.expired(c.start) {
		return fail(file, ErrExpired, "expired "+m.h.Expires.Format(time.RFC3339))
	}
	c.timestamp = m
	return nil
}

func (c *Client) updateSnapshot(ctx context.Context) error {
	meta := c.timestamp.signed.Meta["snapshot.json"]
	file := c.metaFile("snapshot.json", meta.Version)
	raw, err := c.fetch(ctx, file, c.metaURL+file, bound(meta.Length, c.o.limits.Snapshot))
	if err != nil {
		return err
	}
	if err := checkMetaFile(file, raw, meta.Length, meta.Hashes); err != nil {
		return err
	}
	m, err := parse[metaSigned](file, raw, roleSnapshot)
	if err != nil {
		return err
	}
	if err := m.verify(file, c.root.signed.Keys, c.root.signed.Roles[roleSnapshot]); err != nil {
		return err
	}
	if c.snapshot != nil {
		names := slices.Sorted(maps.Keys(c.snapshot.signed.Meta))
		for _, name := range names {
			old := c.snapshot.signed.Meta[name]
			now, ok := m.signed.Meta[name]
			if !ok {
				return fail(file, ErrRollback, name+" is no longer listed")
			}
			if now.Version < old.Version {
				return fail(file, ErrRollback, fmt.Sprintf("%s version %d, trusted %d", name, now.Version, old.Version))
			}
		}
	}
	if m.h.Version != meta.Version {
		return fail(file, ErrVersion, fmt.Sprintf("version %d, timestamp says %d", m.h.Version, meta.Version))
	}
	if m.expired(c.start) {
		return fail(file, ErrExpired, "expired "+m.h.Expires.Format(time.RFC3339))
	}
	for _, name := range slices.Sorted(maps.Keys(m.signed.Meta)) {
		if m.signed.Meta[name].Version < 1 {
			return fail(file, ErrMalformed, name+" has no version")
		}
	}
	c.snapshot = m
	return nil
}

func (c *Client) updateTargets(ctx context.Context) error {
	meta, ok := c.snapshot.signed.Meta["targets.json"]
	if !ok {
		return fail(c.metaFile("snapshot.json", c.snapshot.h.Version), ErrMalformed, "targets.json is not listed")
	}
	file := c.metaFile("targets.json", meta.Version)
	raw, err := c.fetch(ctx, file, c.metaURL+file, bound(meta.Length, c.o.limits.Targets))
	if err != nil {
		return err
	}
	if err := checkMetaFile(file, raw, meta.Length, meta.Hashes); err != nil {
		return err
	}
	m, err := parse[targetsSigned](file, raw, roleTargets)
	if err != nil {
		return err
	}
	if err := m.verify(file, c.root.signed.Keys, c.root.signed.Roles[roleTargets]); err != nil {
		return err
	}
	if m.h.Version != meta.Version {
		return fail(file, ErrVersion, fmt.Sprintf("version %d, snapshot says %d", m.h.Version, meta.Version))
	}
	if m.expired(c.start) {
		return fail(file, ErrExpired, "expired "+m.h.Expires.Format(time.RFC3339))
	}
	c.targets = m
	c.o.logf("TUF: root v%d, timestamp v%d, snapshot v%d, targets v%d", c.root.h.Version, c.timestamp.h.Version, c.snapshot.h.Version, m.h.Version)
	return nil
}

// Target returns the target file name (a path relative to the targets
// directory) as listed in the top-level targets metadata of the last
// successful Update, after checking its length and hashes. A target larger
// than max bytes is ErrTooLarge without a download; a target that is not
// listed is ErrNotFound (delegations are not searched). Cancelling ctx
// stops the download.
func (c *Client) Target(ctx context.Context, name string, max int64) ([]byte, error) {
	if c.targets == nil {
		return nil, errors.New("failed to get TUF target " + name + ": no successful update")
	}
	tf, ok := c.targets.signed.Targets[name]
	if !ok {
		return nil, fail(name, ErrNotFound, "not listed in the top-level targets")
	}
	if tf.Length < 0 || len(tf.Hashes) == 0 {
		return nil, fail(name, ErrMalformed, "no length or hashes")
	}
	if tf.Length > max {
		return nil, fail(name, ErrTooLarge, fmt.Sprintf("%d bytes, at most %d accepted", tf.Length, max))
	}
	dir, base := "", name
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		dir, base = name[:i+1], name[i+1:]
	}
	if c.root.signed.ConsistentSnapshot {
		base = targetHash(tf.Hashes) + "." + base
	}
	raw, err := c.fetch(ctx, name, c.targetsURL+escapePath(dir+base), tf.Length)
	if err != nil {
		return nil, err
	}
	if int64(len(raw)) != tf.Length {
		return nil, fail(name, ErrLengthOrHash, fmt.Sprintf("%d bytes, want %d", len(raw), tf.Length))
	}
	if err := checkMetaFile(name, raw, tf.Length, tf.Hashes); err != nil {
		return nil, err
	}
	return raw, nil
}

// targetHash picks the hash that prefixes a consistent target's file name:
// sha256 when listed, else the first algorithm by name.
func targetHash(h map[string]string) string {
	if v, ok := h["sha256"]; ok {
		return v
	}
	return h[slices.Sorted(maps.Keys(h))[0]]
}

func (c *Client) metaFile(name string, version int64) string {
	if c.root.signed.ConsistentSnapshot {
		return fmt.Sprintf("%d.%s", version, name)
	}
	return name
}

// bound is the download bound: the listed length when there is one and it
// is smaller than the limit.
func bound(length, limit int64) int64 {
	if length > 0 && length < limit {
		return length
	}
	return limit
}

func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// fetch downloads one file with its own deadline, at most max bytes.
func (c *Client) fetch(ctx context.Context, file, u string, max int64) ([]byte, error) {
	rctx, cancel := context.WithTimeout(ctx, c.o.requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fail(file, err, "")
	}
	if c.o.userAgent != "" {
		req.Header.Set("User-Agent", c.o.userAgent)
	}
	resp, err := c.o.client.Do(req)
	if err != nil {
		return nil, fail(file, err, "")
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusForbidden:
		return nil, fail(file, ErrNotFound, "HTTP "+resp.Status)
	case resp.StatusCode != http.StatusOK:
		return nil, fail(file, fmt.Errorf("HTTP %s", resp.Status), "")
	case resp.ContentLength > max:
		return nil, fail(file, ErrTooLarge, fmt.Sprintf("%d bytes announced, at most %d accepted", resp.ContentLength, max))
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fail(file, err, "")
	}
	if int64(len(b)) > max {
		return nil, fail(file, ErrTooLarge, fmt.Sprintf("more than %d bytes", max))
	}
	return b, nil
}
