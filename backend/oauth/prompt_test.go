package oauth

import (
	"testing"

	"github.com/tokenwarden/tokenwarden/backend"
)

// OpenID Connect Core §11: offline_access is granted only with a prompt
// that includes consent.
func TestPromptParam(t *testing.T) {
	tests := []struct {
		name       string
		scopes     []string
		prompt     string // the request's
		authPrompt string // providers.yaml auth_params
		want       string
	}{
		{"nothing asked", []string{"openid", "email"}, "", "", ""},
		{"offline_access adds consent", []string{"openid", "offline_access"}, "", "", "consent"},
		{"request's consent kept", []string{"offline_access"}, "consent", "", "consent"},
		{"select_account plus consent", []string{"offline_access"}, "select_account", "", "select_account consent"},
		{"auth_params prompt used", []string{"openid"}, "", "login", "login"},
		{"auth_params prompt gains consent", []string{"offline_access"}, "", "login", "login consent"},
		{"request wins over auth_params", []string{"openid"}, "select_account", "login", "select_account"},
		{"none stays alone", []string{"offline_access"}, "none", "", "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &attempt{scopes: tt.scopes, prompt: tt.prompt, p: backend.Provider{AuthParams: map[string]string{}}}
			if tt.authPrompt != "" {
				a.p.AuthParams["prompt"] = tt.authPrompt
			}
			if got := a.promptParam(); got != tt.want {
				t.Errorf("prompt %q, want %q", got, tt.want)
			}
		})
	}
}
