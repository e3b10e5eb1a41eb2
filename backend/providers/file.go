package providers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/tokenwarden/tokenwarden/backend"
)

// providerOut is how a provider is written to providers.yaml: only the
// fields that are set, durations as hours.
type providerOut struct {
	ID                string            `yaml:"id"`
	Name              string            `yaml:"name,omitempty"`
	Issuer            string            `yaml:"issuer,omitempty"`
	AuthURL           string            `yaml:"auth_url,omitempty"`
	TokenURL          string            `yaml:"token_url,omitempty"`
	IdentityURL       string            `yaml:"identity_url,omitempty"`
	RevokeURL         string            `yaml:"revoke_url,omitempty"`
	IntrospectURL     string            `yaml:"introspect_url,omitempty"`
	GraphURL          string            `yaml:"graph_url,omitempty"`
	Scopes            []scopeOut        `yaml:"scopes,omitempty"`
	ScopeSeparator    string            `yaml:"scope_separator,omitempty"`
	PKCE              bool              `yaml:"pkce"` // always written: custom providers default to true
	ClientAuth        string            `yaml:"client_auth,omitempty"`
	AuthParams        map[string]string `yaml:"auth_params,omitempty"`
	ClientIDParam     string            `yaml:"client_id_param,omitempty"`
	Refresh           string            `yaml:"refresh,omitempty"`
	Lifetimes         *lifetimesOut     `yaml:"lifetimes,omitempty"`
	RedirectPort      int               `yaml:"redirect_port,omitempty"`
	RedirectPath      string            `yaml:"redirect_path,omitempty"`
	Setup             string            `yaml:"setup,omitempty"`
	ConsoleURL        string            `yaml:"console_url,omitempty"`
	AccessSettingsURL string            `yaml:"access_settings_url,omitempty"`
	NeedsSecret       bool              `yaml:"needs_secret,omitempty"`
	OpenID            bool              `yaml:"openid,omitempty"`
	ChildAssets       string            `yaml:"child_assets,omitempty"`
	RotatesRefresh    bool              `yaml:"rotates_refresh,omitempty"`
}

type scopeOut struct {
	Name    string `yaml:"name"`
	Purpose string `yaml:"purpose,omitempty"`
}

type lifetimesOut struct {
	Access       string `yaml:"access,omitempty"`
	Refresh      string `yaml:"refresh,omitempty"`
	RefreshFixed bool   `yaml:"refresh_fixed,omitempty"`
	RefreshIdle  string `yaml:"refresh_idle,omitempty"`
	DataAccess   string `yaml:"data_access,omitempty"`
}

func toOut(p *backend.Provider) providerOut {
	o := providerOut{
		ID: p.ID, Name: p.Name, Issuer: p.Issuer, AuthURL: p.AuthURL, TokenURL: p.TokenURL,
		IdentityURL: p.IdentityURL, RevokeURL: p.RevokeURL, IntrospectURL: p.IntrospectURL,
		GraphURL: p.GraphURL, ScopeSeparator: p.ScopeSeparator, PKCE: p.PKCE,
		ClientAuth: p.ClientAuth, ClientIDParam: p.ClientIDParam, Refresh: p.Refresh,
		RedirectPort: p.RedirectPort, RedirectPath: p.RedirectPath, Setup: p.Setup,
		ConsoleURL: p.ConsoleURL, AccessSettingsURL: p.AccessSettingsURL,
		NeedsSecret: p.NeedsSecret, OpenID: p.OpenID, ChildAssets: p.ChildAssets, RotatesRefresh: p.RotatesRefresh,
	}
	if len(p.AuthParams) > 0 {
		o.AuthParams = p.AuthParams
	}
	for _, s := range p.Scopes {
		o.Scopes = append(o.Scopes, scopeOut(s))
	}
	if l := p.Lifetimes; l != (backend.Lifetimes{}) {
		o.Lifetimes = &lifetimesOut{
			Access: hours(l.Access), Refresh: hours(l.Refresh), RefreshFixed: l.RefreshFixed,
			RefreshIdle: hours(l.RefreshIdle), DataAccess: hours(l.DataAccess),
		}
	}
	return o
}

// hours writes a duration as the catalogue does: "1440h", or Go's form
// when it is not a whole number of hours.
func hours(d time.Duration) string {
	switch {
	case d == 0:
		return ""
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

// MarshalProvider renders one provider as a providers.yaml entry (a YAML
// mapping, without the leading "- ").
func MarshalProvider(p *backend.Provider) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(toOut(p)); err != nil {
		return nil, backend.Errorf(backend.EINTERNAL, "Could not write provider %q as YAML: %v.", p.ID, err)
	}
	if err := enc.Close(); err != nil {
		return nil, backend.Errorf(backend.EINTERNAL, "Could not write provider %q as YAML: %v.", p.ID, err)
	}
	return buf.Bytes(), nil
}

const fileHeader = "# Tokenwarden providers: custom providers, and overrides of built-in ones.\n" +
	"# An entry with a built-in id (facebook, google, ...) changes only the fields it sets.\n"

// AppendToFile adds a custom provider to providers.yaml in dataDir,
// creating the file when there is none. The existing content, comments
// included, is kept: the entry is appended to the providers list. The file
// is replaced atomically (temporary file, then rename). A provider whose id
// is built-in or already in the file is refused.
func AppendToFile(dataDir string, p *backend.Provider) error {
	if p == nil {
		return backend.Errorf(backend.EINVALID, "No provider given.")
	}
	cp := normalizeCustom(p)
	if err := ValidateCustom(cp); err != nil {
		return err
	}
	path := filepath.Join(dataDir, FileName)
	data, err := readFile(path)
	if err != nil {
		return err
	}
	out, err := appendEntry(path, data, cp)
	if err != nil {
		return err
	}
	return writeAtomic(path, out)
}

// appendEntry returns the content of the providers file at path with cp
// added, given its current content data (nil when there is none).
func appendEntry(path string, data []byte, cp *backend.Provider) ([]byte, error) {
	item, err := MarshalProvider(cp)
	if err != nil {
		return nil, err
	}
	var out []byte
	if len(bytes.TrimSpace(data)) == 0 {
		out = append(append([]byte(fileHeader), data...), "providers:\n"...)
		out = append(out, listItem(item, "  ")...)
	} else {
		entries, errs := readEntries(path, data)
		if len(errs) > 0 {
			return nil, backend.Errorf(backend.EINVALID, "%s has a problem, so the provider was not added: %s",
				path, backend.ErrorMessage(errs[0]))
		}
		for _, e := range entries {
			if e.id == cp.ID {
				return nil, backend.Errorf(backend.ECONFLICT, "%s already has a provider with the id %q.", path, cp.ID).
					WithHint("Choose another id, or edit that entry.")
			}
		}
		var ok bool
		if out, ok = appendText(data, item); !ok || !readsBack(path, out, cp) {
			if out, err = appendNode(path, data, cp); err != nil {
				return nil, err
			}
		}
	}
	if !readsBack(path, out, cp) {
		return nil, backend.Errorf(backend.EINTERNAL, "Could not add provider %q to %s so that it reads back the same.", cp.ID, path).
			WithHint("The file was left unchanged; add the entry by hand.")
	}
	return out, nil
}

// readsBack says whether data holds p exactly as given.
func readsBack(path string, data []byte, p *backend.Provider) bool {
	entries, _ := readEntries(path, data)
	for _, e := range entries {
		if e.id != p.ID {
			continue
		}
		got, errs := buildEntry(path, e)
		return len(errs) == 0 && reflect.DeepEqual(got, p)
	}
	return false
}

// listItem indents a rendered mapping as an item of a block sequence.
func listItem(item []byte, indent string) []byte {
	var b bytes.Buffer
	lines := strings.Split(strings.TrimRight(string(item), "\n"), "\n")
	for i, line := range lines {
		switch {
		case i == 0:
			b.WriteString(indent + "- " + line)
		case line == "":
		default:
			b.WriteString(indent + "  " + line)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// appendText appends item to the providers list as text, which keeps the
// file exactly as it was. It works when providers is the last key and is a
// block list or empty; otherwise it reports false.
func appendText(data, item []byte) ([]byte, bool) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, false
	}
	out := append([]byte(nil), data...)
	if len(out) > 0 && !bytes.HasSuffix(out, []byte("\n")) {
		out = append(out, '\n')
	}
	if root.Kind == 0 { // only comments
		out = append(out, "providers:\n"...)
		return append(out, listItem(item, "  ")...), true
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 {
		return nil, false
	}
	top := root.Content[0]
	if top.Kind != yaml.MappingNode || len(top.Content) < 2 {
		return nil, false
	}
	key, v := top.Content[len(top.Content)-2], top.Content[len(top.Content)-1]
	if key.Value != "providers" {
		return nil, false
	}
	lines := strings.Split(string(data), "\n")
	indent := "  "
	switch {
	case v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0:
		first := v.Content[0]
		if first.Line < 1 || first.Line > len(lines) || first.Column < 1 {
			return nil, false
		}
		line := lines[first.Line-1]
		if first.Column-1 > len(line) {
			return nil, false
		}
		dash := strings.LastIndex(line[:first.Column-1], "-")
		if dash < 0 || strings.TrimLeft(line[:dash], " ") != "" {
			return nil, false
		}
		indent = line[:dash]
	case v.Kind == yaml.ScalarNode && v.Tag == "!!null" && v.Value == "":
		// "providers:" with nothing after it.
	default:
		return nil, false
	}
	return append(out, listItem(item, indent)...), true
}

// appendNode appends p to the providers list by re-encoding the document,
// for files appendText cannot handle (flow lists, other key orders).
// Comments survive; layout may change.
func appendNode(path string, data []byte, p *backend.Provider) ([]byte, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		return nil, backend.Errorf(backend.EINVALID, "%s could not be read as YAML, so the provider was not added.", path)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, backend.Errorf(backend.EINVALID, "%s holds more than one YAML document, so the provider was not added.", path).
			WithHint("Keep a single document with a providers list.")
	}
	var item yaml.Node
	if err := item.Encode(toOut(p)); err != nil {
		return nil, backend.Errorf(backend.EINTERNAL, "Could not write provider %q as YAML: %v.", p.ID, err)
	}
	top := root.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, backend.Errorf(backend.EINVALID, "%s does not start with \"providers:\", so the provider was not added.", path)
	}
	found := false
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value != "providers" {
			continue
		}
		found = true
		v := top.Content[i+1]
		switch {
		case v.Kind == yaml.SequenceNode:
			v.Content = append(v.Content, &item)
			v.Style &^= yaml.FlowStyle
		case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
			if k := top.Content[i]; k.LineComment == "" {
				k.LineComment = v.LineComment // "providers: ~  # none" keeps its comment
			}
			top.Content[i+1] = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{&item},
				HeadComment: v.HeadComment, FootComment: v.FootComment}
		default:
			return nil, backend.Errorf(backend.EINVALID, "providers in %s is not a list, so the provider was not added.", path)
		}
	}
	if !found {
		top.Content = append(top.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "providers"},
			&yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{&item}})
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, backend.Errorf(backend.EINTERNAL, "Could not write %s: %v.", path, err)
	}
	if err := enc.Close(); err != nil {
		return nil, backend.Errorf(backend.EINTERNAL, "Could not write %s: %v.", path, err)
	}
	return buf.Bytes(), nil
}

// writeAtomic replaces path with data through a temporary file in the same
// folder, keeping the old file's permissions (0600 for a new one).
func writeAtomic(path string, data []byte) (err error) {
	if target, lerr := filepath.EvalSymlinks(path); lerr == nil {
		path = target
	}
	dir := filepath.Dir(path)
	fail := func(err error) error {
		return backend.Errorf(backend.EUNAVAILABLE, "Could not save %s: %s.", path, plainOSError(err)).
			WithHint("Check that the data folder is writable.")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fail(err)
	}
	mode := fs.FileMode(0o600)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	f, err := os.CreateTemp(dir, "."+FileName+".*.tmp")
	if err != nil {
		return fail(err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fail(err)
	}
	if err := f.Chmod(mode); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		f.Close()
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fail(err)
	}
	if d, err := os.Open(dir); err == nil { // make the rename durable; not possible everywhere
		d.Sync()
		d.Close()
	}
	return nil
}
