package oidc

// WithIndex says which index the exchanger talks to, as the caller decided
// it (internal/target): name is "PyPI" or "TestPyPI", and webBase that
// index's web site ("https://pypi.org", "https://test.pypi.org"), used for
// the checks only PyPI makes (GitHub Enterprise tokens, TP-04) and for
// links to the trusted-publisher settings. The default, and name "" with
// webBase "", is a third-party index, named in messages by its host.
func WithIndex(name, webBase string) Option {
	return func(o *options) { o.indexName, o.webBase = name, webBase }
}

// WithPlainHTTP allows an http repository URL. The default refuses it:
// the GitHub token and the minted token would cross the network in clear.
// main allows it only when the index is on this machine (a test index).
func WithPlainHTTP(allow bool) Option {
	return func(o *options) { o.plainHTTP = allow }
}
