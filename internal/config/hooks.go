package config

import "time"

// Hooks are the test hooks: PYPI_PUBLISH_* variables that point the action
// at fakes or shorten its waits. They are decoded once, by [LoadHooks], and
// passed down; the README lists them in one place. A value that does not
// parse (or a duration that is not positive) is ignored, so the default
// applies.
type Hooks struct {
	// IndexKind is PYPI_PUBLISH_INDEX_KIND: "pypi" or "testpypi" treat the
	// index as PyPI or TestPyPI whatever its host (tests, private Warehouse
	// instances), any other non-empty value as a third-party index. The
	// default "" decides by host.
	IndexKind string
	// ClassifiersURL is PYPI_PUBLISH_CLASSIFIERS_URL, where a PyPI-like
	// test index serves its classifier list (plain text, one per line);
	// the default "" is PyPI's or TestPyPI's list route, by host.
	ClassifiersURL string
	// FulcioURL is PYPI_PUBLISH_FULCIO_URL; the default "" is Sigstore's
	// public Fulcio.
	FulcioURL string
	// RekorURL is PYPI_PUBLISH_REKOR_URL; the default "" is Sigstore's
	// public Rekor.
	RekorURL string
	// TrustedRoot is PYPI_PUBLISH_TRUSTED_ROOT, the path of a Sigstore
	// trusted_root.json used instead of the one from TUF; the default "" is
	// the root from Sigstore's TUF repository. Set without TUFURL, the TUF
	// update is skipped.
	TrustedRoot string
	// TUFURL is PYPI_PUBLISH_TUF_URL, the TUF repository the Sigstore
	// trust data comes from; the default "" is Sigstore's
	// (attest.DefaultTUFURL).
	TUFURL string
	// TUFRoot is PYPI_PUBLISH_TUF_ROOT, the path of the TUF root.json to
	// start from; the default "" is the one embedded in the binary.
	TUFRoot string
	// Backoff is PYPI_PUBLISH_BACKOFF, the wait before the first retry, and
	// the first wait between verify-upload's rounds; the default 0 means 2 s
	// (1 s for verify-upload). Tests use 1ms.
	Backoff time.Duration
	// IdleTimeout is PYPI_PUBLISH_IDLE_TIMEOUT, how long an upload may make
	// no progress; the default 0 means publish.DefaultIdleTimeout (120 s).
	IdleTimeout time.Duration
	// AnswerTimeout is PYPI_PUBLISH_ANSWER_TIMEOUT, how long an upload
	// waits for the index's answer once the file is sent; the default 0
	// means publish.DefaultAnswerTimeout (5 min).
	AnswerTimeout time.Duration
	// RequestTimeout is PYPI_PUBLISH_REQUEST_TIMEOUT, the deadline of each
	// trusted-publishing request and each simple-API request; the default
	// 0 means oidc.DefaultRequestTimeout (20 s) and
	// publish.DefaultRequestTimeout (30 s).
	RequestTimeout time.Duration
	// TPTimeout is PYPI_PUBLISH_TP_TIMEOUT, how long trusted publishing
	// (audience, GitHub token, mint) may take in total; the default 0 means
	// oidc.DefaultTimeout (2 min).
	TPTimeout time.Duration
	// BurnTimeout is PYPI_PUBLISH_BURN_TIMEOUT, how long revoking the
	// minted tokens may take at the end of the run; the default 0 means
	// 5 s.
	BurnTimeout time.Duration
	// APIURL is PYPI_PUBLISH_API_URL, the root where a PyPI-like test index
	// serves the JSON API (/pypi/<project>/<version>/json) and the
	// Integrity API (/integrity/…) that verify-upload reads; the default ""
	// is PyPI's or TestPyPI's, by host (target.Target.APIURL).
	APIURL string
	// VerifyWait is PYPI_PUBLISH_VERIFY_WAIT, how long verify-upload waits
	// for the index's views to show the uploaded files; the default 0
	// means publish.DefaultVerifyWait (60 s). Tests use a second or less.
	VerifyWait time.Duration
	// IAMURL is PYPI_PUBLISH_IAM_URL, the root of Google's IAM Credentials
	// API; the default "" is https://iamcredentials.googleapis.com.
	IAMURL string
	// ProductNameFile is PYPI_PUBLISH_PRODUCT_NAME_FILE, the file that
	// says whether the machine is a Google Compute Engine VM; the default
	// "" is /sys/class/dmi/id/product_name. Tests point it at a file of
	// their own, so the machine they run on does not matter.
	ProductNameFile string
	// WebBase is PYPI_PUBLISH_WEB_BASE, the web site release and
	// trusted-publisher links point at; the default "" is the index's
	// (pypi.org, test.pypi.org, none for other indexes). The demo points
	// it at its own fake index.
	WebBase string
}

// LoadHooks decodes the test hooks from getenv.
func LoadHooks(getenv func(string) string) Hooks {
	return Hooks{
		IndexKind:       getenv("PYPI_PUBLISH_INDEX_KIND"),
		ClassifiersURL:  getenv("PYPI_PUBLISH_CLASSIFIERS_URL"),
		FulcioURL:       getenv("PYPI_PUBLISH_FULCIO_URL"),
		RekorURL:        getenv("PYPI_PUBLISH_REKOR_URL"),
		TrustedRoot:     getenv("PYPI_PUBLISH_TRUSTED_ROOT"),
		TUFURL:          getenv("PYPI_PUBLISH_TUF_URL"),
		TUFRoot:         getenv("PYPI_PUBLISH_TUF_ROOT"),
		Backoff:         duration(getenv("PYPI_PUBLISH_BACKOFF")),
		IdleTimeout:     duration(getenv("PYPI_PUBLISH_IDLE_TIMEOUT")),
		APIURL:          getenv("PYPI_PUBLISH_API_URL"),
		VerifyWait:      duration(getenv("PYPI_PUBLISH_VERIFY_WAIT")),
		IAMURL:          getenv("PYPI_PUBLISH_IAM_URL"),
		ProductNameFile: getenv("PYPI_PUBLISH_PRODUCT_NAME_FILE"),
		WebBase:         getenv("PYPI_PUBLISH_WEB_BASE"),
		AnswerTimeout:   duration(getenv("PYPI_PUBLISH_ANSWER_TIMEOUT")),
		RequestTimeout:  duration(getenv("PYPI_PUBLISH_REQUEST_TIMEOUT")),
		TPTimeout:       duration(getenv("PYPI_PUBLISH_TP_TIMEOUT")),
		BurnTimeout:     duration(getenv("PYPI_PUBLISH_BURN_TIMEOUT")),
	}
}

// duration parses a positive Go duration such as "1ms"; anything else is 0.
func duration(v string) time.Duration {
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0
	}
	return d
}
