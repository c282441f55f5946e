package publishtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
)

// jsonNotFound is Warehouse's 404 body for the JSON API
// (warehouse/views.py).
const jsonNotFound = `{"message": "Not Found"}`

// serveJSONAPI answers Warehouse's JSON API for one release,
// /pypi/<project>/<version>/json (PyPI mode only): 301 to the normalized
// name, 404 {"message": "Not Found"} for an unknown (or wholly hidden)
// release, else the release's info and one "urls" entry per file.
func (s *Server) serveJSONAPI(w http.ResponseWriter, r *http.Request) {
	seg := splitPath(r.URL.Path, "/pypi/")
	if s.mode != PyPI || len(seg) != 3 || seg[2] != "json" || r.Method != http.MethodGet {
		writeJSON(w, http.StatusNotFound, []byte(jsonNotFound))
		return
	}
	name, version := seg[0], seg[1]
	if norm := normalize(name); norm != name {
		http.Redirect(w, r, "/pypi/"+url.PathEscape(norm)+"/"+url.PathEscape(version)+"/json", http.StatusMovedPermanently)
		return
	}
	files := s.viewFiles(func(f *File) bool { return normalize(f.Project) == name && sameVersion(f.Version, version) })
	if len(files) == 0 {
		writeJSON(w, http.StatusNotFound, []byte(jsonNotFound))
		return
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Filename < files[j].Filename })
	base := scheme(r) + "://" + r.Host + "/files/"
	type digests struct {
		MD5    string `json:"md5"`
		SHA256 string `json:"sha256"`
		Blake2 string `json:"blake2b_256"`
	}
	type urlEntry struct {
		CommentText  string  `json:"comment_text"`
		CoreMetadata bool    `json:"core-metadata"`
		Digests      digests `json:"digests"`
		Downloads    int     `json:"downloads"`
		Filename     string  `json:"filename"`
		HasSig       bool    `json:"has_sig"`
		MD5Digest    string  `json:"md5_digest"`
		PackageType  string  `json:"packagetype"`
		PythonVer    string  `json:"python_version"`
		RequiresPy   *string `json:"requires_python"`
		Size         int64   `json:"size"`
		UploadTime   string  `json:"upload_time"`
		UploadISO    string  `json:"upload_time_iso_8601"`
		URL          string  `json:"url"`
		Yanked       bool    `json:"yanked"`
		YankedReason *string `json:"yanked_reason"`
	}
	urls := make([]urlEntry, 0, len(files))
	for _, f := range files {
		vf := s.viewFault(f.Filename)
		var reason *string
		if vf.Yanked {
			reason = &vf.YankedReason
		}
		pyver := "source"
		if f.Filetype == "bdist_wheel" {
			pyver = "py3"
		}
		urls = append(urls, urlEntry{Digests: digests{f.MD5, f.SHA256, f.Blake2}, Downloads: -1, Filename: f.Filename,
			MD5Digest: f.MD5, PackageType: f.Filetype, PythonVer: pyver, Size: f.Size,
			UploadTime: f.Uploaded.Format("2006-01-02T15:04:05"), UploadISO: f.Uploaded.Format("2006-01-02T15:04:05.000000Z"),
			URL: base + url.PathEscape(f.Filename), Yanked: vf.Yanked, YankedReason: reason})
	}
	info := map[string]any{"name": files[0].Project, "version": files[0].Version, "yanked": false, "yanked_reason": nil}
	body, _ := json.Marshal(map[string]any{"info": info, "last_serial": len(files), "urls": urls, "vulnerabilities": []any{}})
	w.Header().Set("Cache-Control", "max-age=900, public")
	writeJSON(w, http.StatusOK, body)
}

func writeJSON(w http.ResponseWriter, code int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(body)
}
