package publish

import "github.com/pypi-publish/pypi-publish/internal/situation"

// BatchError is the error [Publish] returns: the failures of the batch,
// joined. It implements situation.Error with [Classify]'s ID and hint, so
// the caller needs no table of its own; errors.Is and errors.As see the
// failures through Unwrap.
type BatchError struct {
	Err error
}

// Error returns the failures' text.
func (e *BatchError) Error() string { return e.Err.Error() }

// Unwrap returns the joined failures.
func (e *BatchError) Unwrap() error { return e.Err }

// Situation returns the situation of the first failure Classify knows.
func (e *BatchError) Situation() situation.Info {
	s := Classify(e.Err)
	return situation.Info{ID: s.ID, Hint: s.Hint}
}

// batchError wraps a non-nil err in a *BatchError.
func batchError(err error) error {
	if err == nil {
		return nil
	}
	return &BatchError{Err: err}
}

// Situation returns the upload error's situation ([Classify]).
func (e *Error) Situation() situation.Info {
	s := Classify(e)
	return situation.Info{ID: s.ID, Hint: s.Hint}
}

// Situation returns UP-04, or UP-06 for a second sdist ([Classify]).
func (e *ExistsError) Situation() situation.Info {
	s := Classify(e)
	return situation.Info{ID: s.ID, Hint: s.Hint}
}

var (
	_ situation.Error = (*BatchError)(nil)
	_ situation.Error = (*Error)(nil)
	_ situation.Error = (*ExistsError)(nil)
)
