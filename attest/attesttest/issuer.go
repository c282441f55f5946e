package attesttest

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Issuers the fake Fulcio accepts, as Sigstore's public instance does:
// GitHub Actions, gitlab.com and Google.
const (
	GitHubIssuer = "https://token.actions.githubusercontent.com"
	GitLabIssuer = "https://gitlab.com"
	GoogleIssuer = "https://accounts.google.com"
)

var (
	rsaOnce sync.Once
	rsaKey  *rsa.PrivateKey
	rsaErr  error
)

// sharedRSAKey returns one RSA key per test binary: generating one per
// Issuer would make tests slow.
func sharedRSAKey() (*rsa.PrivateKey, error) {
	rsaOnce.Do(func() { rsaKey, rsaErr = rsa.GenerateKey(rand.Reader, 2048) })
	return rsaKey, rsaErr
}

// Issuer mints GitHub-shaped OIDC tokens (RS256) and verifies them.
type Issuer struct {
	// Claims are the token claims besides aud, iat, nbf, exp and jti.
	Claims map[string]any
	// Lifetime of a token; zero means 5 minutes.
	Lifetime time.Duration
	// Clock; nil means time.Now.
	Clock func() time.Time

	key    *rsa.PrivateKey
	count  atomic.Int64
	minted atomic.Int64
}

// GitHubClaims returns the claims of a GitHub Actions token for a workflow
// file of repository ("owner/name") run at ref, with the caller workflow
// also being the job workflow.
func GitHubClaims(repository, workflow, ref string) map[string]any {
	owner, _, _ := strings.Cut(repository, "/")
	wref := repository + "/.github/workflows/" + workflow + "@" + ref
	return map[string]any{
		"iss":                   GitHubIssuer,
		"sub":                   "repo:" + repository + ":ref:" + ref,
		"repository":            repository,
		"repository_owner":      owner,
		"repository_owner_id":   "1000001",
		"repository_id":         "2000002",
		"repository_visibility": "public",
		"workflow":              "Release",
		"workflow_ref":          wref,
		"workflow_sha":          "0123456789abcdef0123456789abcdef01234567",
		"job_workflow_ref":      wref,
		"job_workflow_sha":      "0123456789abcdef0123456789abcdef01234567",
		"ref":                   ref,
		"ref_type":              "tag",
		"sha":                   "0123456789abcdef0123456789abcdef01234567",
		"event_name":            "release",
		"environment":           "pypi",
		"run_id":                "4242",
		"run_number":            "7",
		"run_attempt":           "1",
		"runner_environment":    "github-hosted",
		"actor":                 "octocat",
	}
}

// GitLabClaims returns the claims of a gitlab.com CI/CD token for
// project ("namespace/project") whose top-level pipeline file is file,
// run for the tag tag.
func GitLabClaims(project, file, tag string) map[string]any {
	ns, _, _ := strings.Cut(project, "/")
	if i := strings.LastIndexByte(project, '/'); i >= 0 {
		ns = project[:i]
	}
	return map[string]any{
		"iss":                GitLabIssuer,
		"sub":                "project_path:" + project + ":ref_type:tag:ref:" + tag,
		"namespace_id":       "4242",
		"namespace_path":     ns,
		"project_id":         "777",
		"project_path":       project,
		"pipeline_id":        "1001",
		"pipeline_source":    "push",
		"job_id":             "5005",
		"ref":                tag,
		"ref_type":           "tag",
		"ref_path":           "refs/tags/" + tag,
		"sha":                "0123456789abcdef0123456789abcdef01234567",
		"ci_config_ref_uri":  "gitlab.com/" + project + "//" + file + "@refs/tags/" + tag,
		"ci_config_sha":      "0123456789abcdef0123456789abcdef01234567",
		"runner_environment": "gitlab-hosted",
		"project_visibility": "public",
	}
}

// GoogleClaims returns the claims of a Google ID token for the service
// account email (with the e-mail, as Fulcio needs).
func GoogleClaims(email string) map[string]any {
	return map[string]any{"iss": GoogleIssuer, "email": email, "email_verified": true, "sub": "104000000000000000002", "azp": "104000000000000000002"}
}

// NewIssuer returns an issuer of tokens with claims.
func NewIssuer(claims map[string]any) (*Issuer, error) {
	k, err := sharedRSAKey()
	if err != nil {
		return nil, err
	}
	return &Issuer{Claims: claims, key: k}, nil
}

// Minted returns how many tokens were minted.
func (i *Issuer) Minted() int { return int(i.minted.Load()) }

func (i *Issuer) now() time.Time {
	if i.Clock != nil {
		return i.Clock()
	}
	return time.Now()
}

// IDToken mints a token for audience; it has the signature of
// attest.WithIDToken.
func (i *Issuer) IDToken(ctx context.Context, audience string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if audience == "" {
		return "", errors.New("fake issuer: empty audience")
	}
	now := i.now()
	life := i.Lifetime
	if life == 0 {
		life = 5 * time.Minute
	}
	c := map[string]any{}
	for k, v := range i.Claims {
		c[k] = v
	}
	c["aud"] = audience
	c["iat"] = now.Unix()
	c["nbf"] = now.Unix()
	c["exp"] = now.Add(life).Unix()
	c["jti"] = fmt.Sprintf("jti-%d", i.count.Add(1))
	hdr, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": "fake"})
	body, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	signing := b64url(hdr) + "." + b64url(body)
	d := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, i.key, crypto.SHA256, d[:])
	if err != nil {
		return "", err
	}
	i.minted.Add(1)
	return signing + "." + b64url(sig), nil
}

// Verify checks a token's RS256 signature, issuer, audience "sigstore"
// and validity, and returns its claims.
func (i *Issuer) Verify(token string) (map[string]any, error) {
	return VerifyRS256(&i.key.PublicKey, i.now)(token)
}

// VerifyRS256 returns a FulcioOptions.VerifyToken function for tokens
// signed with pub (RS256): issuer GitHubIssuer, GitLabIssuer or
// GoogleIssuer, audience "sigstore", exp and nbf checked against now (nil
// means time.Now). Use it with the oidc package's fakes (oidctest.Key()).
func VerifyRS256(pub *rsa.PublicKey, now func() time.Time) func(token string) (map[string]any, error) {
	if now == nil {
		now = time.Now
	}
	return func(token string) (map[string]any, error) {
		parts := strings.Split(token, ".")
		if len(parts) != 3 {
			return nil, errors.New("token is not a JWT")
		}
		var hdr struct {
			Alg string `json:"alg"`
		}
		hb, err := base64.RawURLEncoding.DecodeString(parts[0])
		if err != nil || json.Unmarshal(hb, &hdr) != nil || hdr.Alg != "RS256" {
			return nil, errors.New("token header is not RS256")
		}
		sig, err := base64.RawURLEncoding.DecodeString(parts[2])
		if err != nil {
			return nil, errors.New("token signature is not base64url")
		}
		d := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, d[:], sig); err != nil {
			return nil, errors.New("token signature does not verify")
		}
		bb, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			return nil, errors.New("token payload is not base64url")
		}
		var c map[string]any
		dec := json.NewDecoder(strings.NewReader(string(bb)))
		dec.UseNumber()
		if err := dec.Decode(&c); err != nil {
			return nil, errors.New("token payload is not JSON")
		}
		if iss := c["iss"]; iss != GitHubIssuer && iss != GitLabIssuer && iss != GoogleIssuer {
			return nil, fmt.Errorf("token issuer %v is not one this Fulcio knows", iss)
		}
		if c["aud"] != "sigstore" {
			return nil, fmt.Errorf("token audience %v is not sigstore", c["aud"])
		}
		expN, ok1 := c["exp"].(json.Number)
		exp, err1 := expN.Int64()
		if !ok1 || err1 != nil {
			return nil, errors.New("token has no exp")
		}
		t := now().Unix()
		if t >= exp {
			return nil, errors.New("token is expired")
		}
		if nbfN, ok := c["nbf"].(json.Number); ok {
			if nbf, err := nbfN.Int64(); err != nil || t < nbf-60 {
				return nil, errors.New("token is not yet valid")
			}
		}
		return c, nil
	}
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
