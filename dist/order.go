package dist

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
)

// Uncertain returns why PyPI's answer to d cannot be predicted, or "" when
// it can: a Metadata-Version newer than NewestMetadataVersion (the newest
// PyPI is known to accept; the preflight only warns, so as never to lag
// the index), or headers no core metadata version defines. Such files are
// uploaded first and alone (UploadOrder), so that if the index refuses
// one, nothing else of the release has been sent. It never panics.
func Uncertain(d *Distribution) string {
	if d == nil || d.Metadata == nil {
		return ""
	}
	var why []string
	if mv := strings.TrimSpace(d.Metadata.Value("Metadata-Version")); metadataVersionBelow(NewestMetadataVersion, mv) {
		why = append(why, fmt.Sprintf("Metadata-Version %s is newer than %s", mv, NewestMetadataVersion))
	}
	var unknown []string
	seen := map[string]bool{}
	for _, h := range d.Metadata.Headers {
		key := strings.ToLower(h.Name)
		if _, known := metadataFields[key]; !known && !seen[key] {
			seen[key] = true
			unknown = append(unknown, h.Name)
		}
	}
	if len(unknown) > 0 {
		why = append(why, "unknown fields "+strings.Join(unknown, ", "))
	}
	return strings.Join(why, "; ")
}

// UploadOrder returns dists in the order to upload them: files whose
// acceptance is Uncertain first, then wheels, then sdists, each group in
// the given order (Find gives file name order). nil entries are left out;
// the input is not changed.
func UploadOrder(dists []*Distribution) []*Distribution {
	type ranked struct {
		d    *Distribution
		rank int
	}
	rs := make([]ranked, 0, len(dists))
	for _, d := range dists {
		if d == nil {
			continue
		}
		r := 2
		if d.Kind == Wheel {
			r = 1
		}
		if Uncertain(d) != "" {
			r = 0
		}
		rs = append(rs, ranked{d, r})
	}
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].rank < rs[j].rank })
	out := make([]*Distribution, len(rs))
	for i, r := range rs {
		out[i] = r.d
	}
	return out
}

// readFailureProblems reports a file Read refused: one error in PyPI's
// wording where PyPI has one for the defect (our own words otherwise, the
// details in the fix), and the file name rules, which need no content.
func readFailureProblems(f ReadFailure, target Target) []Problem {
	name := f.File.Filename
	if name == "" {
		name = filepath.Base(f.File.Path)
	}
	detail := "the file could not be read"
	if f.Err != nil {
		detail = f.Err.Error()
	}
	msg := detail
	var re *readError
	if errors.As(f.Err, &re) && re.pypi != "" {
		msg = re.pypi
	}
	kind := f.File.Kind
	if kind == 0 {
		kind, _ = kindOf(name)
	}
	c := &preflight{d: &Distribution{Filename: name, Kind: kind}, target: target}
	c.add(SeverityError, "VA-10", "unreadable", "", msg,
		"rebuild the distribution (python -m build) and check the steps that upload and download it between jobs ("+detail+")")
	c.checkFilenameChars()
	return c.problems
}
