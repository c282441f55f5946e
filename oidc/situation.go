package oidc

import "github.com/pypi-publish/pypi-publish/internal/situation"

// Situation returns the error's ID, message, hint and details.
func (e *Error) Situation() situation.Info {
	return situation.Info{ID: e.ID, Message: e.Message, Hint: e.Hint, Details: e.Details}
}

var _ situation.Error = (*Error)(nil)
