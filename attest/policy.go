package attest

import (
	"crypto/x509"
	"slices"
)

// checkGitLab is pypi-attestations' GitLab publisher policy: the issuer
// (Fulcio extension 1.8) is gitlab.com, the Source Repository URI (1.12)
// is https://gitlab.com/<repository>, both the Source Repository Digest
// (1.13) and Ref (1.14) are present, and the Build Config URI (1.18) is
// https://gitlab.com/<repository>//<pipeline file>@<digest or ref>. Every
// comparison is exact: the case of namespace and project must be PyPI's.
// With exactRef and a WorkflowRef, the Build Config URI must also be this
// pipeline's ("https://" + ci_config_ref_uri).
func checkGitLab(leaf *x509.Certificate, id Identity, exactRef bool) error {
	if id.Repository == "" {
		return verr("identity", "no GitLab project to check the certificate against")
	}
	file := id.workflow()
	if file == "" {
		return verr("identity", "no pipeline file to check the certificate against")
	}
	if err := requireExt(leaf, 8, "OIDCIssuerV2", GitLabIssuer); err != nil {
		return err
	}
	if err := requireExt(leaf, 12, "OIDCSourceRepositoryURI", GitLabIssuer+"/"+id.Repository); err != nil {
		return err
	}
	var suffixes []string
	for _, n := range []int{13, 14} {
		v, ok := extensionValue(leaf, n)
		if !ok {
			return verr("identity", "certificate does not contain the Source Repository %s extension (%s), which GitLab certificates carry",
				map[int]string{13: "Digest", 14: "Ref"}[n], fulcioExtension(n))
		}
		suffixes = append(suffixes, v)
	}
	bc, _ := extensionValue(leaf, 18)
	base := GitLabIssuer + "/" + id.Repository + "//" + file + "@"
	if !slices.Contains([]string{base + suffixes[0], base + suffixes[1]}, bc) {
		return verr("identity", "certificate's Build Config URI (%s) does not match expected Trusted Publisher (%s @ %s)", bc, file, id.Repository)
	}
	if exactRef && id.WorkflowRef != "" && bc != "https://"+id.WorkflowRef {
		return verr("identity", "certificate's Build Config URI (%s) is not this pipeline's (https://%s)", bc, id.WorkflowRef)
	}
	return nil
}

// checkGoogle is pypi-attestations' Google publisher policy (sigstore's
// Identity policy): the certificate's OIDC Issuer (Fulcio extension 1.1)
// is https://accounts.google.com and one of its subject alternative
// names is the service account's e-mail address.
func checkGoogle(leaf *x509.Certificate, id Identity) error {
	if id.Email == "" {
		return verr("identity", "no service account e-mail to check the certificate against")
	}
	if err := requireExt(leaf, 1, "OIDCIssuer", GoogleIssuer); err != nil {
		return err
	}
	sans := append([]string(nil), leaf.EmailAddresses...)
	for _, u := range leaf.URIs {
		sans = append(sans, u.String())
	}
	if !slices.Contains(sans, id.Email) {
		return verr("identity", "certificate's SANs do not match %s; actual SANs: %v", id.Email, sans)
	}
	return nil
}

// requireExt checks that Fulcio extension n is present and equals want.
func requireExt(leaf *x509.Certificate, n int, name, want string) error {
	got, ok := extensionValue(leaf, n)
	if !ok {
		return verr("identity", "certificate does not contain %s (%s) extension", name, fulcioExtension(n))
	}
	if got != want {
		return verr("identity", "certificate's %s does not match (got '%s', expected '%s')", name, got, want)
	}
	return nil
}
