package config

// TLS holds the twine-compatible TLS settings a step may set in its env:
// (README, "Private and third-party indexes"), decoded once by [LoadTLS].
type TLS struct {
	// CABundle is the path of a PEM file (or directory) of CA certificates
	// that replaces the system's list: REQUESTS_CA_BUNDLE, else TWINE_CERT.
	// REQUESTS_CA_BUNDLE wins because it does in twine (requests' session
	// settings override twine's --cert). "" keeps the system's list.
	CABundle string
	// CABundleFrom names the variable CABundle came from.
	CABundleFrom string
	// ClientCert is TWINE_CLIENT_CERT: the path of one PEM file holding a
	// client certificate and its private key. twine has only the
	// --client-cert flag; the variable is this action's, named alike.
	ClientCert string
}

// LoadTLS decodes the TLS settings from getenv. Values are used as given
// (a path may contain spaces); unset and empty are the same.
func LoadTLS(getenv func(string) string) TLS {
	var t TLS
	for _, name := range []string{"REQUESTS_CA_BUNDLE", "TWINE_CERT"} {
		if v := getenv(name); v != "" {
			t.CABundle, t.CABundleFrom = v, name
			break
		}
	}
	t.ClientCert = getenv("TWINE_CLIENT_CERT")
	return t
}
