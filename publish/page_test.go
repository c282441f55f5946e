package publish

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

var (
	hashA = strings.Repeat("a", 64)
	hashB = strings.Repeat("b", 64)
)

func TestDecodeSimpleJSON(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", maxFilenameLen+1)
	cases := []struct {
		name    string
		page    string
		keep    func(string) bool
		want    []RemoteFile
		wantErr bool
	}{
		{"warehouse_fields", `{"meta":{"api-version":"1.4","_last-serial":7},"name":"p","project-status":{"status":"active"},"versions":["1.0"],
			"files":[{"filename":"p-1.0.tar.gz","url":"https://files/p-1.0.tar.gz","hashes":{"sha256":"` + strings.ToUpper(hashA) + `","md5":"00"},
			"requires-python":null,"size":1234,"upload-time":"2024-01-01T00:00:00.000000Z","yanked":"broken","core-metadata":{"sha256":"cc"},"provenance":null}]}`,
			nil, []RemoteFile{{"p-1.0.tar.gz", hashA, 1234, true, "broken"}}, false},
		{"yanked_values", `{"meta":{"api-version":"1.1"},"files":[{"filename":"t","yanked":true},{"filename":"f","yanked":false},{"filename":"n","yanked":null},
			{"filename":"o","yanked":{"a":1}},{"filename":"long","yanked":"` + strings.Repeat("r", maxReasonLen+1) + `"},{"filename":"cut","yanked":"` + strings.Repeat("é", 150) + `"}]}`, nil,
			[]RemoteFile{{"t", "", -1, true, ""}, {"f", "", -1, false, ""}, {"n", "", -1, false, ""}, {"o", "", -1, false, ""},
				{"long", "", -1, true, ""}, {"cut", "", -1, true, strings.Repeat("é", 100) + "…"}}, false},
		{"devpi_fields", `{"meta":{"api-version":"1.0"},"name":"p","files":[{"filename": "p-1.0-py3-none-any.whl", "url": "../../+f/8e8/c39/p-1.0-py3-none-any.whl", "hashes": {"sha256": "` + hashB + `"}, "requires-python": ""}]}`,
			nil, []RemoteFile{{"p-1.0-py3-none-any.whl", hashB, -1, false, ""}}, false},
		{"meta_after_files", `{"files":[{"filename":"a"}],"meta":{"api-version":"1.1"}}`, nil, []RemoteFile{{"a", "", -1, false, ""}}, false},
		{"escapes", `{"meta":{"api-version":"1.0"},"files":[{"filename":"caf\u00e9\ud83d\ude00\"\\\/\n.whl"}]}`, nil,
			[]RemoteFile{{"café😀\"\\/\n.whl", "", -1, false, ""}}, false},
		{"lone_surrogate", `{"meta":{"api-version":"1.0"},"files":[{"filename":"a\ud800b"}]}`, nil, []RemoteFile{{"a\uFFFDb", "", -1, false, ""}}, false},
		{"keep_filters", `{"meta":{"api-version":"1.0"},"files":[{"filename":"a"},{"filename":"b"},{"filename":"c"}]}`,
			func(s string) bool { return s == "b" }, []RemoteFile{{"b", "", -1, false, ""}}, false},
		{"too_long_name_skipped", `{"meta":{"api-version":"1.0"},"files":[{"filename":"` + long + `"},{"filename":"ok"}]}`, nil,
			[]RemoteFile{{"ok", "", -1, false, ""}}, false},
		{"odd_types_ignored", `{"meta":{"api-version":"1.0"},"files":[{"filename":7,"size":"big","hashes":[]},{"filename":"ok","size":-3,"hashes":{"sha256":null}}]}`, nil,
			[]RemoteFile{{"ok", "", -1, false, ""}}, false},
		{"repeated_keys_last_wins", `{"meta":{"api-version":"1.0"},"files":[{"filename":"a"}],"files":[{"filename":"b","filename":"c","hashes":{"sha256":"AA"},"hashes":{}}]}`, nil,
			[]RemoteFile{{"c", "", -1, false, ""}}, false},
		{"odd_values_ignored", `{"meta":{"api-version":"1.0"},"files":[{"filename":null,"size":"big"},{"filename":"ok","size":-3,"hashes":{"sha256":null}}]}`, nil,
			[]RemoteFile{{"ok", "", -1, false, ""}}, false},
		{"unsupported_version", `{"meta":{"api-version":"2.0"},"files":[]}`, nil, nil, true},
		{"no_meta", `{"files":[]}`, nil, nil, true},
		{"truncated", `{"meta":{"api-version":"1.0"},"files":[{"filename":"a"`, nil, nil, true},
		{"not_json", `<html>`, nil, nil, true},
		{"control_char_in_string", "{\"meta\":{\"api-version\":\"1.0\x01\"}}", nil, nil, true},
		{"too_deep", `{"meta":{"api-version":"1.0"},"x":` + strings.Repeat("[", maxJSONDepth+1) + strings.Repeat("]", maxJSONDepth+1) + `}`, nil, nil, true},
		{"deep_enough", `{"meta":{"api-version":"1.0"},"x":` + strings.Repeat("[", maxJSONDepth) + strings.Repeat("]", maxJSONDepth) + `,"files":[]}`, nil, nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := decodeSimpleJSON(strings.NewReader(tc.page), tc.keep)
			if (err != nil) != tc.wantErr {
				t.Fatalf("decodeSimpleJSON() error = %v, wantErr %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("decodeSimpleJSON() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeSimpleHTML(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		page string
		keep func(string) bool
		want []RemoteFile
	}{
		{"pypiserver", "<!DOCTYPE html>\n<html lang=\"en\"><head><title>Links for p</title></head><body><h1>Links for p</h1>\n" +
			`    <a href="/packages/p-1.0-py3-none-any.whl#sha256=` + hashA + `">p-1.0-py3-none-any.whl</a><br>` + "\n</body></html>",
			nil, []RemoteFile{{"p-1.0-py3-none-any.whl", hashA, -1, false, ""}}},
		{"devpi_relative_with_attributes", `<a data-requires-python="" href="../../+f/146/78c/p-1.0.tar.gz#sha256=` + hashB + `">p-1.0.tar.gz</a>`,
			nil, []RemoteFile{{"p-1.0.tar.gz", hashB, -1, false, ""}}},
		{"old_gitea_hyphen", `<a href="/api/packages/o/pypi/files/p/1.0/p-1.0.tar.gz#sha256-` + hashA + `">p-1.0.tar.gz</a>`,
			nil, []RemoteFile{{"p-1.0.tar.gz", hashA, -1, false, ""}}},
		{"upper_case_single_quotes_entities", `<A HREF='x/p&amp;q-1.0.tar.gz#md5=00&amp;sha256=` + hashB + `'>p&amp;q-1.0.tar.gz</A>`,
			nil, []RemoteFile{{"p&q-1.0.tar.gz", hashB, -1, false, ""}}},
		{"no_or_short_hash", `<a href="a.whl#sha256=abcd">a.whl</a><a href="b.whl">b.whl</a><a href=c.whl#sha256=` + hashA + `>c.whl</a>`,
			nil, []RemoteFile{{"a.whl", "", -1, false, ""}, {"b.whl", "", -1, false, ""}, {"c.whl", hashA, -1, false, ""}}},
		{"yanked", `<a href="a.whl" data-yanked>a.whl</a><a data-yanked="" href="b.whl">b.whl</a><a href="c.whl" data-yanked='bad &amp; broken'>c.whl</a>` +
			`<a href="d.whl" data-yanked-not="x">d.whl</a><a href="e.whl?data-yanked">e.whl</a><a href="f.whl" data-yanked=gone/>f.whl</a>`, nil,
			[]RemoteFile{{"a.whl", "", -1, true, ""}, {"b.whl", "", -1, true, ""}, {"c.whl", "", -1, true, "bad & broken"},
				{"d.whl", "", -1, false, ""}, {"e.whl", "", -1, false, ""}, {"f.whl", "", -1, true, "gone/"}}},
		{"nested_tags_in_text", `<a href="x#sha256=` + hashA + `"><span> p-1.whl </span></a>`, nil, []RemoteFile{{"p-1.whl", hashA, -1, false, ""}}},
		{"keep_filters", `<a href="a">a</a><a href="b">b</a>`, func(s string) bool { return s == "a" }, []RemoteFile{{"a", "", -1, false, ""}}},
		{"other_tags_ignored", `<abbr>x</abbr><area href="y"><a>no href</a>`, nil, []RemoteFile{{"no href", "", -1, false, ""}}},
		{"long_tag_skipped", `<a href="` + strings.Repeat("x", maxTagLen) + `">big</a><a href="s">small</a>`, nil, []RemoteFile{{"small", "", -1, false, ""}}},
		{"long_text_skipped", `<a href="x">` + strings.Repeat("y", maxAnchorText+1) + `</a><a href="s">small</a>`, nil, []RemoteFile{{"small", "", -1, false, ""}}},
		{"truncated", `<a href="x">p-1.whl`, nil, nil},
		{"empty", ``, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := decodeSimpleHTML(strings.NewReader(tc.page), tc.keep)
			if err != nil {
				t.Fatalf("decodeSimpleHTML() error = %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("decodeSimpleHTML() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// The JSON and HTML decoders agree with encoding/json on what they keep.
func FuzzDecodeSimpleJSONAgrees(f *testing.F) {
	f.Add(`{"meta":{"api-version":"1.0"},"files":[{"filename":"a","hashes":{"sha256":"00"},"size":3}]}`)
	f.Add(`{"meta":{"api-version":"1.1"},"files":[{"filename":"\u00e9"}, {"filename":"b","x":[1,{"y":null}]}]}`)
	f.Fuzz(func(t *testing.T, page string) {
		got, err := decodeSimpleJSON(strings.NewReader(page), nil)
		if err != nil {
			return
		}
		want, werr := referenceJSON([]byte(page))
		if werr != nil {
			return // the stream decoder is more lenient inside skipped values
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("decodeSimpleJSON(%q) disagrees with encoding/json (-json +stream):\n%s", page, diff)
		}
	})
}

// pageOf generates a PEP 691 page (json) or PEP 503 page of n files whose
// entries look like Warehouse's (about 700 bytes of JSON each).
func pageOf(n int, json bool) []byte {
	var b bytes.Buffer
	if json {
		b.WriteString(`{"meta":{"api-version":"1.4","_last-serial":1},"name":"botocore","files":[`)
	} else {
		b.WriteString("<!DOCTYPE html><html><head><title>Links for botocore</title></head><body><h1>Links for botocore</h1>\n")
	}
	for i := range n {
		name := fmt.Sprintf("botocore-1.%d.%d-py3-none-any.whl", i/100, i%100)
		if i%2 == 1 {
			name = fmt.Sprintf("botocore-1.%d.%d.tar.gz", i/100, i%100)
		}
		if json {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"filename":%q,"url":"https://files.pythonhosted.org/packages/6b/e2/1a5d1c9bd8a9b9c77e6f6d3b9c1f6a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f/%s","hashes":{"sha256":"%s"},"requires-python":">= 3.8","size":12345678,"upload-time":"2024-01-01T00:00:00.000000Z","yanked":false,"data-dist-info-metadata":{"sha256":"%s"},"core-metadata":{"sha256":"%s"},"provenance":null}`,
				name, name, hashA, hashB, hashB)
		} else {
			fmt.Fprintf(&b, `<a href="https://files.pythonhosted.org/packages/6b/e2/1a5d1c9bd8a9b9c77e6f6d3b9c1f6a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f/%s#sha256=%s" data-requires-python="&gt;= 3.8" data-dist-info-metadata="sha256=%s" data-core-metadata="sha256=%s">%s</a><br />`+"\n",
				name, hashA, hashB, hashB, name)
		}
	}
	if json {
		b.WriteString(`],"versions":[]}`)
	} else {
		b.WriteString("</body></html>\n<!--SERIAL 1-->\n")
	}
	return b.Bytes()
}

// A page of thousands of files (botocore has about 5,000) decodes
// completely; with a filter only the local files are kept.
func TestDecodeLargeRealisticPage(t *testing.T) {
	t.Parallel()
	for _, json := range []bool{true, false} {
		page := pageOf(10_000, json)
		decode := decodeSimpleHTML
		if json {
			decode = decodeSimpleJSON
		}
		all, err := decode(bytes.NewReader(page), nil)
		if err != nil || len(all) != 10_000 {
			t.Fatalf("json=%v: %d files, %v; want 10000", json, len(all), err)
		}
		kept, err := decode(bytes.NewReader(page), func(s string) bool { return strings.HasPrefix(s, "botocore-1.99.") })
		if err != nil || len(kept) != 100 {
			t.Errorf("json=%v: kept %d files, %v; want 100", json, len(kept), err)
		}
		t.Logf("json=%v: 10,000 files in %.1f MiB", json, float64(len(page))/(1<<20))
	}
}

// BenchmarkDecodeSimplePage measures decoding generated pages of 5,000
// files (about botocore's) and 50,000 files, keeping two entries, as the
// existing-file check does. Run: go test ./publish -run '^$' -bench DecodeSimplePage -benchmem
func BenchmarkDecodeSimplePage(b *testing.B) {
	for _, n := range []int{5_000, 50_000} {
		for _, json := range []bool{true, false} {
			page := pageOf(n, json)
			decode, kind := decodeSimpleHTML, "html"
			if json {
				decode, kind = decodeSimpleJSON, "json"
			}
			keep := func(s string) bool { return s == "botocore-1.0.0-py3-none-any.whl" || s == "botocore-1.0.1.tar.gz" }
			b.Run(fmt.Sprintf("%s_%d_files", kind, n), func(b *testing.B) {
				b.SetBytes(int64(len(page)))
				for b.Loop() {
					if files, err := decode(bytes.NewReader(page), keep); err != nil || len(files) != 2 {
						b.Fatalf("%d files, %v", len(files), err)
					}
				}
			})
		}
	}
}

// hostilePage is a reader of size bytes: head, then body repeated, then
// nothing (the page never closes its brackets).
type hostilePage struct {
	head, body []byte
	size, off  int64
}

func (h *hostilePage) Read(p []byte) (int, error) {
	if h.off >= h.size {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && h.off < h.size {
		var src []byte
		if h.off < int64(len(h.head)) {
			src = h.head[h.off:]
		} else {
			src = h.body[(h.off-int64(len(h.head)))%int64(len(h.body)):]
		}
		c := copy(p[n:], src)
		if rest := h.size - h.off; int64(c) > rest {
			c = int(rest)
		}
		n += c
		h.off += int64(c)
	}
	return n, nil
}

// peakHeap runs f and returns the highest heap in use seen while it ran,
// above what was in use before, sampled every millisecond.
func peakHeap(f func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > base && m.HeapInuse-base > peak.Load() {
				peak.Store(m.HeapInuse - base)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	return peak.Load()
}

// TestIndexFiles_hostilePageMemory serves 1 GiB simple pages built to
// exhaust memory (issue 12 item 7) through a real HTTP connection, and
// reports the peak heap Index.Files used: it must stay under 64 MiB.
// It is not parallel, so that the measurement sees this test alone.
func TestIndexFiles_hostilePageMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 3 × 256 MiB; skipped under -short")
	}
	const size = 1 << 30
	pages := []struct {
		name, ctype string
		head, body  string
	}{
		{"json_tiny_entries", "application/vnd.pypi.simple.v1+json", `{"meta":{"api-version":"1.0"},"files":[`, `{"filename":"x.whl","hashes":{"sha256":"00"}},`},
		{"json_one_endless_string", "application/vnd.pypi.simple.v1+json", `{"meta":{"api-version":"1.0"},"files":[{"filename":"`, `xxxxxxxxxxxxxxxx`},
		{"html_tiny_anchors", "text/html", `<html><body>`, `<a href="x.whl#sha256=00">x.whl</a>`},
		{"html_endless_tag", "text/html", `<html><body><a href="`, `xxxxxxxxxxxxxxxx`},
	}
	for _, pg := range pages {
		var sent atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", pg.ctype)
			n, _ := io.Copy(w, &hostilePage{head: []byte(pg.head), body: []byte(pg.body), size: size})
			sent.Store(n)
		}))
		idx, err := NewIndex(srv.URL+"/simple/", fastRetry, WithRequestTimeout(5*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		var files []RemoteFile
		peak := peakHeap(func() {
			files, err = idx.Files(t.Context(), "p", func(s string) bool { return s == "wanted.whl" })
		})
		srv.Close()
		t.Logf("%s: peak heap %.1f MiB, error %v", pg.name, float64(peak)/(1<<20), err)
		if peak > 64<<20 {
			t.Errorf("%s: peak heap %.1f MiB, want under 64 MiB", pg.name, float64(peak)/(1<<20))
		}
		if len(files) != 0 {
			t.Errorf("%s: kept %d entries", pg.name, len(files))
		}
		if !errors.Is(err, errPageTooLarge) {
			t.Errorf("%s: error %v, want the page-size error", pg.name, err)
		}
	}
}

// referenceJSON is what decodeSimpleJSON must find, by encoding/json: the
// reference for FuzzDecodeSimpleJSONAgrees.
func referenceJSON(b []byte) ([]RemoteFile, error) {
	if !utf8.Valid(b) {
		return nil, errors.New("not UTF-8") // encoding/json replaces bad bytes; the stream keeps them
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var top map[string]any
	if err := dec.Decode(&top); err != nil {
		return nil, err
	}
	meta, ok := top["meta"].(map[string]any)
	if !ok {
		return nil, errors.New("no meta")
	}
	v, _ := meta["api-version"].(string)
	if major, _, _ := strings.Cut(v, "."); major != "1" {
		return nil, errors.New("version")
	}
	var out []RemoteFile
	files, ok := top["files"]
	if !ok {
		return nil, nil
	}
	list, ok := files.([]any)
	if !ok {
		return nil, errors.New("files is no array")
	}
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, errors.New("entry is no object")
		}
		f := RemoteFile{Size: -1}
		if name, ok := m["filename"].(string); ok && len(name) <= maxFilenameLen {
			f.Filename = name
		}
		if n, ok := m["size"].(json.Number); ok {
			if v, err := strconv.ParseInt(string(n), 10, 64); err == nil && v >= 0 {
				f.Size = v
			}
		}
		if h, ok := m["hashes"].(map[string]any); ok {
			if sha, ok := h["sha256"].(string); ok && len(sha) <= maxHashLen {
				f.SHA256 = strings.ToLower(sha)
			}
		}
		switch y := m["yanked"].(type) {
		case bool:
			f.Yanked = y
		case string:
			f.Yanked = true
			if len(y) <= maxReasonLen {
				f.YankedReason = cutReason(y)
			}
		}
		if f.Filename != "" {
			out = append(out, f)
		}
	}
	return out, nil
}
