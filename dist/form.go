package dist

import (
	"strconv"
	"strings"
)

// Why a header is left out of the upload form.
const (
	// LeftTooNew: a field newer than the declared Metadata-Version that
	// build backends write early (License-Expression, License-File,
	// Dynamic, Import-Name, Import-Namespace). Warehouse would refuse the
	// whole file ("license-expression introduced in metadata version 2.4,
	// not 2.1") if it were sent.
	LeftTooNew = "too-new"
	// LeftRepeated: a single-use field given again; the form carries the
	// first value only, because Warehouse refuses a single-use field sent
	// twice.
	LeftRepeated = "repeated"
	// LeftUnknown: a header no core metadata version defines; the form has
	// no field for it.
	LeftUnknown = "unknown"
)

// LeftOut is a metadata header the upload form leaves out.
type LeftOut struct {
	Header Header
	// Why is LeftTooNew, LeftRepeated or LeftUnknown.
	Why string
	// Since is the Metadata-Version that introduced the field (LeftTooNew).
	Since string
}

// FormMetadata returns m as the upload form carries it, and the headers the
// form leaves out, in file order. The preflight judges the returned
// metadata, because PyPI reads the form, not the file; publish.Fields sends
// it. The form:
//   - leaves out LeftTooNew fields when the declared Metadata-Version is
//     older than the field (an unparsable version keeps them: the server
//     decides);
//   - keeps the first value of a single-use field (LeftRepeated);
//   - has no field for unknown headers (LeftUnknown);
//   - sends Name as twine's safe_name (SafeName), because Warehouse takes
//     the display name from the upload.
//
// The body and a Description header are kept as they are. FormMetadata
// returns an empty Metadata for nil and never panics.
func FormMetadata(m *Metadata) (*Metadata, []LeftOut) {
	out := &Metadata{}
	if m == nil {
		return out, nil
	}
	out.Body, out.BodyPresent = m.Body, m.BodyPresent
	mv := strings.TrimSpace(m.Value("Metadata-Version"))
	seen := map[string]bool{}
	var left []LeftOut
	for _, h := range m.Headers {
		key := strings.ToLower(h.Name)
		f, known := metadataFields[key]
		switch {
		case !known:
			left = append(left, LeftOut{Header: h, Why: LeftUnknown})
		case f.leftOutEarly && metadataVersionBelow(mv, f.added):
			left = append(left, LeftOut{Header: h, Why: LeftTooNew, Since: f.added})
		case !f.multi && seen[key]:
			left = append(left, LeftOut{Header: h, Why: LeftRepeated})
		default:
			seen[key] = true
			if key == "name" {
				h.Value = SafeName(h.Value)
			}
			out.Headers = append(out.Headers, h)
		}
	}
	return out, left
}

// SafeName returns twine's safe_name of a project name: every run of
// characters other than ASCII letters, digits and "." replaced by one "-".
// "my_pkg" becomes "my-pkg"; "Zebra.Cake_Tools" becomes "Zebra.Cake-Tools".
func SafeName(name string) string {
	var b strings.Builder
	run := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '.' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') {
			b.WriteByte(c)
			run = false
			continue
		}
		if !run {
			b.WriteByte('-')
			run = true
		}
	}
	return b.String()
}

// metadataVersionBelow reports whether the Metadata-Version v is below
// want ("2.4"). Unparsable versions report false.
func metadataVersionBelow(v, want string) bool {
	a, ok1 := majorMinor(v)
	b, ok2 := majorMinor(want)
	if !ok1 || !ok2 {
		return false
	}
	return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1])
}

func majorMinor(v string) ([2]int, bool) {
	maj, min, ok := strings.Cut(strings.TrimSpace(v), ".")
	if !ok {
		return [2]int{}, false
	}
	a, err1 := strconv.Atoi(maj)
	b, err2 := strconv.Atoi(min)
	if err1 != nil || err2 != nil {
		return [2]int{}, false
	}
	return [2]int{a, b}, true
}
