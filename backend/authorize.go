package backend

import "context"

// AuthRequest asks for an authorization in the system browser.
type AuthRequest struct {
	Provider    *Provider
	Credentials Credentials
	Scopes      []string
	// Prompt asks the platform to show its consent or account chooser again
	// ("consent", "select_account"); used on reconnect.
	Prompt string
	// Open opens the authorization URL in the system browser.
	Open func(url string) error
}

// Authorizer runs the OAuth authorization-code flow with a loopback redirect.
type Authorizer interface {
	Authorize(ctx context.Context, req AuthRequest) (*Grant, error)
}

// SecretClientSecret is the keychain item of a developer app's client
// secret; its client id lives in the store.
const SecretClientSecret SecretKind = "client_secret"

// CredentialsOwner is the keychain owner name of a provider's client secret.
func CredentialsOwner(providerID string) string { return "provider:" + providerID }
