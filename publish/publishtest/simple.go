package publishtest

import (
	"encoding/json"
	"fmt"
	"html"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
)

const simpleJSON = "application/vnd.pypi.simple.v1+json"

func sortStrings(s []string) { sort.Strings(s) }

// serveSimple answers the PEP 691 simple API: /simple/ and
// /simple/<normalized>/, JSON or HTML by Accept; 404 for unknown projects,
// 301 to the normalized URL for other spellings.
func (s *Server) serveSimple(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	rest := strings.TrimPrefix(r.URL.Path, "/simple/")
	format := offer(r.Header.Get("Accept"), "text/html", simpleJSON, "application/vnd.pypi.simple.latest+json", "application/vnd.pypi.simple.v1+html")
	jsonOut := strings.HasSuffix(format, "+json")
	w.Header().Set("Vary", "Accept")
	if rest == "" {
		s.serveSimpleRoot(w, jsonOut)
		return
	}
	name := strings.TrimSuffix(rest, "/")
	if norm := normalize(name); norm != name || !strings.HasSuffix(rest, "/") || strings.Contains(name, "/") {
		http.Redirect(w, r, "/simple/"+url.PathEscape(normalize(strings.Split(name, "/")[0]))+"/", http.StatusMovedPermanently)
		return
	}
	files := s.viewFiles(inProject(name))
	if len(files) == 0 {
		http.Error(w, "404 Not Found", http.StatusNotFound)
		return
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Filename < files[j].Filename })
	base := scheme(r) + "://" + r.Host + "/files/"
	if !jsonOut {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.4\"><title>Links for %s</title></head><body><h1>Links for %s</h1>\n", name, name)
		for _, f := range files {
			fmt.Fprintf(w, "<a href=\"%s#sha256=%s\"%s>%s</a><br />\n", html.EscapeString(base+url.PathEscape(f.Filename)), html.EscapeString(f.SHA256),
				s.viewFault(f.Filename).yankedAttr(), html.EscapeString(f.Filename))
		}
		fmt.Fprint(w, "</body></html>\n")
		return
	}
	type jf struct {
		Filename       string            `json:"filename"`
		URL            string            `json:"url"`
		Hashes         map[string]string `json:"hashes"`
		RequiresPython *string           `json:"requires-python"`
		Size           int64             `json:"size"`
		UploadTime     string            `json:"upload-time"`
		Yanked         any               `json:"yanked"` // false, true or the reason
		CoreMetadata   bool              `json:"core-metadata"`
		Provenance     *string           `json:"provenance"`
	}
	out := struct {
		Meta struct {
			APIVersion string `json:"api-version"`
		} `json:"meta"`
		Name     string   `json:"name"`
		Files    []jf     `json:"files"`
		Versions []string `json:"versions"`
	}{Name: name}
	out.Meta.APIVersion = "1.4"
	seen := map[string]bool{}
	for _, f := range files {
		out.Files = append(out.Files, jf{Filename: f.Filename, URL: base + url.PathEscape(f.Filename),
			Hashes: map[string]string{"sha256": f.SHA256}, Size: f.Size,
			UploadTime: f.Uploaded.Format("2006-01-02T15:04:05.000000Z"),
			Yanked:     s.viewFault(f.Filename).yankedJSON(), Provenance: s.provenanceURL(r, f)})
		if !seen[f.Version] {
			seen[f.Version] = true
			out.Versions = append(out.Versions, f.Version)
		}
	}
	w.Header().Set("Content-Type", simpleJSON)
	_ = json.NewEncoder(w).Encode(out)
}

func (s *Server) serveSimpleRoot(w http.ResponseWriter, jsonOut bool) {
	s.mu.Lock()
	names := map[string]bool{}
	for _, f := range s.files {
		names[normalize(f.Project)] = true
	}
	s.mu.Unlock()
	list := slices.Sorted(maps.Keys(names))
	if jsonOut {
		type p struct {
			Name string `json:"name"`
		}
		out := struct {
			Meta struct {
				APIVersion string `json:"api-version"`
			} `json:"meta"`
			Projects []p `json:"projects"`
		}{}
		out.Meta.APIVersion = "1.4"
		for _, n := range list {
			out.Projects = append(out.Projects, p{n})
		}
		w.Header().Set("Content-Type", simpleJSON)
		_ = json.NewEncoder(w).Encode(out)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, "<!DOCTYPE html>\n<html><body>\n")
	for _, n := range list {
		fmt.Fprintf(w, "<a href=\"/simple/%s/\">%s</a>\n", n, n)
	}
	fmt.Fprint(w, "</body></html>\n")
}

// serveFile serves a stored file's bytes (files up to 32 MiB are kept).
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/files/")
	s.mu.Lock()
	var data []byte
	found := false
	for _, f := range s.files {
		if f.Filename == name && f.content != nil {
			data, found = f.content, true
		}
	}
	s.mu.Unlock()
	if !found {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(data)
}

// provenanceURL is a file's Integrity API URL, as the simple API's
// "provenance" key gives it (PyPI mode, files uploaded with attestations);
// nil otherwise.
func (s *Server) provenanceURL(r *http.Request, f File) *string {
	if s.mode != PyPI || f.Attestations == "" {
		return nil
	}
	u := scheme(r) + "://" + r.Host + "/integrity/" + url.PathEscape(normalize(f.Project)) + "/" +
		url.PathEscape(f.Version) + "/" + url.PathEscape(f.Filename) + "/provenance"
	return &u
}
