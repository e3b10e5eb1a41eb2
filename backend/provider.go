package backend

// Provider is a platform an account's tokens come from.
type Provider struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ProviderRegistry knows the providers the app can hold accounts for.
type ProviderRegistry interface {
	// Provider returns the provider with this id, or an EINVALID error that
	// lists the known ids.
	Provider(id string) (*Provider, error)
	// Providers returns every known provider, in display order.
	Providers() []*Provider
}
