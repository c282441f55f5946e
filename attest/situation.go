package attest

import "github.com/pypi-publish/pypi-publish/internal/situation"

// Situation returns the error's ID, message and hint; the cause stays in
// Error() for the debug log.
func (e *Error) Situation() situation.Info {
	return situation.Info{ID: e.ID, Message: e.Message, Hint: e.Hint}
}

var _ situation.Error = (*Error)(nil)
