package publish

import (
	"net/http"
	"strings"
)

// meaning is what a known answer says about the uploaded file.
type meaning int

const (
	// meansExists: the index has a file of this name; whether its bytes
	// are the local ones the answer does not say (only a listing's hash
	// can tell).
	meansExists meaning = iota + 1
	// meansConflict: the index has a file of this name with other bytes
	// (on PyPI also: these bytes under another name).
	meansConflict
	// meansIdentical: the index already has this file, byte for byte, and
	// kept it; the upload changed nothing.
	meansIdentical
)

// knownAnswer is one answer a real index gives about an existing file.
// docs/indexes.md lists the same table with where each text comes from;
// a test keeps the two in step.
type knownAnswer struct {
	// server is the software that answers so (the names of WithServer;
	// "warehouse" is PyPI's).
	server string
	status int
	// texts must all occur in the answer's message or body (ignoring case);
	// none means the status alone, and only from this server (WithServer).
	texts   []string
	meaning meaning
	// prefix requires the message to start with texts[0] (Warehouse's
	// status line), in its case.
	prefix bool
}

// knownAnswers are the "already exists" answers of real indexes. Nothing
// else counts as an existing file: in particular not any 409, nor any 400
// that happens to contain "already exist" (docs/indexes.md).
var knownAnswers = []knownAnswer{
	{server: "warehouse", status: http.StatusBadRequest, texts: []string{"File already exists"}, meaning: meansConflict, prefix: true},
	{server: "pypiserver", status: http.StatusConflict, texts: []string{"already exists!", "--overwrite"}, meaning: meansExists},
	// pypiserver answers 400 instead when the User-Agent names twine.
	{server: "pypiserver", status: http.StatusBadRequest, texts: []string{"already exists!", "--overwrite"}, meaning: meansExists},
	{server: "devpi", status: http.StatusConflict, texts: []string{"already exists in non-volatile index"}, meaning: meansConflict},
	{server: "devpi", status: http.StatusOK, texts: []string{"Upload of identical file to non volatile index"}, meaning: meansIdentical},
	{server: "artifactory", status: http.StatusForbidden, texts: []string{"Not enough permissions to", "overwrite"}, meaning: meansExists},
	{server: "nexus", status: http.StatusBadRequest, texts: []string{"Repository does not allow updating assets"}, meaning: meansExists},
	{server: "nexus", status: http.StatusBadRequest, texts: []string{"cannot be updated"}, meaning: meansExists},
	{server: "gitlab", status: http.StatusBadRequest, texts: []string{"File name has already been taken"}, meaning: meansExists},
	{server: "gitea", status: http.StatusConflict, texts: []string{"package file already exists"}, meaning: meansExists},
	{server: "gitea", status: http.StatusBadRequest, texts: []string{"package file already exists"}, meaning: meansExists},
	{server: "gitea", status: http.StatusBadRequest, texts: []string{"Package file does exist already"}, meaning: meansExists},
	{server: "codeartifact", status: http.StatusConflict, meaning: meansConflict},
	{server: "azure", status: http.StatusConflict, texts: []string{"already contains file"}, meaning: meansExists},
	{server: "azure", status: http.StatusConflict, texts: []string{"PackageAlreadyExistsException"}, meaning: meansExists},
	{server: "google", status: http.StatusBadRequest, texts: []string{"Requested entity already exists"}, meaning: meansExists},
}

// knownServer reports whether name is one WithServer knows.
func knownServer(name string) bool {
	switch name {
	case "pypiserver", "devpi", "artifactory", "nexus", "gitlab", "gitea", "codeartifact", "azure", "google":
		return true
	}
	return false
}

// matchAnswer returns the known answer that status and text (message and
// body) are, or nil. On PyPI (pypi) only Warehouse's answers count;
// answers known only by their status need server to be theirs.
func matchAnswer(status int, message, body, server string, pypi bool) *knownAnswer {
	lowered := strings.ToLower(message + "\n" + body)
	for i := range knownAnswers {
		a := &knownAnswers[i]
		if a.status != status || (pypi && a.server != "warehouse") {
			continue
		}
		if len(a.texts) == 0 {
			if a.server == server {
				return a
			}
			continue
		}
		if a.prefix {
			if strings.HasPrefix(message, a.texts[0]) {
				return a
			}
			continue
		}
		all := true
		for _, t := range a.texts {
			if !strings.Contains(lowered, strings.ToLower(t)) {
				all = false
				break
			}
		}
		if all {
			return a
		}
	}
	return nil
}
