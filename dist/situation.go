package dist

import "github.com/pypi-publish/pypi-publish/internal/situation"

// Situation returns the error's situation. The message is the whole
// Error() text, hint included, so Hint stays empty.
func (e *FindError) Situation() situation.Info {
	return situation.Info{ID: e.ID, Message: e.Error()}
}

var _ situation.Error = (*FindError)(nil)
