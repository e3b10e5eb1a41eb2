package providers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/tokenwarden/tokenwarden/backend"
)

// maxFileSize bounds providers.yaml; a real one is a few kilobytes.
const maxFileSize = 1 << 20

// entry is one provider of a providers file, checked for shape and field
// names but not yet decoded.
type entry struct {
	id   string
	line int
	node *yaml.Node
	// fields maps each top-level field the entry sets to its line.
	fields map[string]int
}

// fileYAML is the shape of a providers file.
type fileYAML struct {
	Providers []yaml.Node `yaml:"providers"`
}

// readFile reads a providers file; a missing file is not an error and
// yields nil. Only a regular file (or a symlink to one) is read: a FIFO or a
// device would block start-up or never end.
func readFile(path string) ([]byte, error) {
	unreadable := func(err error) error {
		return backend.Errorf(backend.EUNAVAILABLE, "Could not read %s: %s.", path, plainOSError(err)).
			WithHint("The built-in providers still work; check the file's permissions.")
	}
	notRegular := backend.Errorf(backend.EINVALID, "%s is not a regular file, so it was not read.", path).
		WithHint("The built-in providers still work; make providers.yaml an ordinary text file.")
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, unreadable(err)
	}
	if !st.Mode().IsRegular() {
		return nil, notRegular
	}
	if st.Size() > maxFileSize {
		return nil, tooLarge(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, unreadable(err)
	}
	defer f.Close()
	// The file may have been swapped since the check above.
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return nil, notRegular
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, unreadable(err)
	}
	if len(data) > maxFileSize {
		return nil, tooLarge(path)
	}
	if data == nil {
		data = []byte{}
	}
	return data, nil
}

func tooLarge(path string) error {
	return backend.Errorf(backend.EINVALID, "%s is larger than 1 MiB.", path).
		WithHint("The built-in providers still work; a providers file only needs a few entries.")
}

// plainOSError drops the path that os errors repeat.
func plainOSError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// lineError is a problem at a line of a providers file.
func lineError(path string, line int, format string, args ...any) *backend.Error {
	msg := strings.TrimSuffix(fmt.Sprintf(format, args...), ".")
	loc := path
	if line > 0 {
		loc += " line " + strconv.Itoa(line)
	}
	return backend.Errorf(backend.EINVALID, "%s: %s.", loc, msg).
		WithHint("That entry was skipped and the built-in providers still work; fix the file and restart Tokenwarden.")
}

// lineWarning is something in a providers file that was read but probably
// does not do what its author meant.
func lineWarning(path string, line int, format string, args ...any) *backend.Error {
	e := lineError(path, line, format, args...)
	e.Hint = "The rest of the file was read; change or remove that part to end this warning."
	return e
}

// readEntries parses a providers file: YAML syntax, the top-level shape
// (KnownFields), and each entry's field names. Entries with unknown fields
// or no id are reported and left out.
func readEntries(path string, data []byte) ([]entry, []error) {
	var doc fileYAML
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var errs []error
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		errs = append(errs, yamlErrors(path, err, knownTop)...)
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, errs // a syntax error: nothing is usable
		}
	}
	errs = append(errs, documentWarnings(path, data)...)
	var entries []entry
	for i := range doc.Providers {
		n := &doc.Providers[i]
		if n.Kind != yaml.MappingNode {
			errs = append(errs, lineError(path, n.Line, "each provider must be a set of fields such as \"id: acme\""))
			continue
		}
		e := entry{line: n.Line, node: n, fields: map[string]int{}}
		for j := 0; j+1 < len(n.Content); j += 2 {
			k, v := n.Content[j], n.Content[j+1]
			e.fields[k.Value] = k.Line
			if k.Value == "id" && v.Kind == yaml.ScalarNode {
				e.id = v.Value
			}
			if k.Value == "scopes" && v.Kind == yaml.SequenceNode {
				scalarScopes(v)
			}
		}
		bad := checkFields(n, reflect.TypeOf(backend.Provider{}))
		for _, fe := range bad {
			errs = append(errs, lineError(path, fe.line, "%s", fe.msg))
		}
		if len(bad) > 0 {
			continue
		}
		if e.id == "" {
			errs = append(errs, lineError(path, n.Line, "provider needs an id, such as \"id: acme\""))
			continue
		}
		entries = append(entries, e)
	}
	return entries, errs
}

// scalarScopes lets a scope be written as its bare name: "- openid" is
// "- {name: openid}".
func scalarScopes(seq *yaml.Node) {
	for i, item := range seq.Content {
		if item.Kind == yaml.ScalarNode {
			seq.Content[i] = &yaml.Node{
				Kind: yaml.MappingNode, Tag: "!!map", Line: item.Line, Column: item.Column,
				Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: "name", Line: item.Line, Column: item.Column}, item},
			}
		}
	}
}

// decodeEntry decodes an entry onto p; fields the entry does not set keep
// their values.
func decodeEntry(path string, e entry, p *backend.Provider) []error {
	if err := e.node.Decode(p); err != nil {
		return yamlErrors(path, err, nil)
	}
	return nil
}

type fieldError struct {
	line int
	msg  string
}

var knownTop = []string{"providers"}

// yamlFields lists the yaml names of a struct's fields with their types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if name == "" || name == "-" {
			continue
		}
		m[name] = f.Type
	}
	return m
}

// checkFields reports keys of a mapping that t has no field for, recursing
// into nested structs and lists of structs. It plays the part of
// KnownFields(true) for entries, which are decoded one by one.
func checkFields(n *yaml.Node, t reflect.Type) []fieldError {
	known := yamlFields(t)
	var out []fieldError
	for j := 0; j+1 < len(n.Content); j += 2 {
		k, v := n.Content[j], n.Content[j+1]
		ft, ok := known[k.Value]
		if !ok {
			names := make([]string, 0, len(known))
			for name := range known {
				names = append(names, name)
			}
			out = append(out, fieldError{k.Line, unknownField(k.Value, names)})
			continue
		}
		switch {
		case ft.Kind() == reflect.Struct && v.Kind == yaml.MappingNode:
			out = append(out, checkFields(v, ft)...)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct && v.Kind == yaml.SequenceNode:
			for _, item := range v.Content {
				if item.Kind == yaml.MappingNode {
					out = append(out, checkFields(item, ft.Elem())...)
				}
			}
		}
	}
	return out
}

// unknownField words an unknown field, suggesting the nearest known name.
func unknownField(name string, known []string) string {
	sort.Strings(known)
	best, bestD := "", 3
	for _, k := range known {
		if d := distance(name, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best != "" {
		return fmt.Sprintf("unknown field %q (did you mean %q?)", name, best)
	}
	return fmt.Sprintf("unknown field %q", name)
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

var (
	reSyntax    = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	reLine      = regexp.MustCompile(`^line (\d+): (.*)$`)
	reNotFound  = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
	reUnmarshal = regexp.MustCompile("^cannot unmarshal !!(\\w+) (?:`(.*)` )?into (\\S+)$")
)

// yamlErrors turns a yaml.v3 error into errors naming the file and line.
func yamlErrors(path string, err error, known []string) []error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		out := make([]error, 0, len(te.Errors))
		for _, s := range te.Errors {
			if m := reLine.FindStringSubmatch(s); m != nil {
				line, _ := strconv.Atoi(m[1])
				out = append(out, lineError(path, line, "%s", plainYAML(m[2], known)))
			} else {
				out = append(out, lineError(path, 0, "%s", plainYAML(s, known)))
			}
		}
		return out
	}
	s := err.Error()
	if m := reSyntax.FindStringSubmatch(s); m != nil {
		line, _ := strconv.Atoi(m[1])
		return []error{lineError(path, line, "%s", m[2])}
	}
	return []error{lineError(path, 0, "%s", strings.TrimPrefix(s, "yaml: "))}
}

// plainYAML rewords yaml.v3's messages about Go types.
func plainYAML(s string, known []string) string {
	if m := reNotFound.FindStringSubmatch(s); m != nil {
		return unknownField(m[1], append([]string(nil), known...))
	}
	if m := reUnmarshal.FindStringSubmatch(s); m != nil {
		want := typeWords(m[3])
		if m[2] != "" {
			return fmt.Sprintf("%q is not %s", m[2], want)
		}
		return fmt.Sprintf("expected %s, not %s", want, kindWords(m[1]))
	}
	return s
}

func typeWords(goType string) string {
	switch goType {
	case "time.Duration":
		return "a duration such as 1440h"
	case "bool":
		return "true or false"
	case "int", "int64":
		return "a whole number"
	case "string":
		return "text"
	case "map[string]string":
		return "a set of names and values"
	case "[]backend.Scope":
		return "a list of scopes"
	case "backend.Scope":
		return "a scope with a name and a purpose"
	case "backend.Lifetimes":
		return "a set of lifetimes"
	case "[]yaml.Node":
		return "a list of providers"
	case "providers.fileYAML":
		return `a set of fields starting with "providers:"`
	}
	return "a value of another kind"
}

func kindWords(tag string) string {
	switch tag {
	case "map":
		return "a set of fields"
	case "seq":
		return "a list"
	case "str":
		return "text"
	case "int", "float":
		return "a number"
	case "bool":
		return "true or false"
	case "null":
		return "nothing"
	}
	return "a " + tag
}

// standardTags are the YAML tags a providers file can mean anything by.
var standardTags = map[string]bool{
	"!!str": true, "!!int": true, "!!float": true, "!!bool": true, "!!null": true,
	"!!map": true, "!!seq": true, "!!timestamp": true, "!!merge": true,
}

// documentWarnings reports what the decoder passes over in silence: a
// second YAML document (only the first is read) and tags it does not know,
// which would change nothing although they look as if they did.
func documentWarnings(path string, data []byte) []error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		return nil // the first document's errors are reported already
	}
	var errs []error
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind != yaml.DocumentNode && n.Kind != yaml.AliasNode && !standardTags[n.ShortTag()] {
			errs = append(errs, lineWarning(path, n.Line, "the tag %q means nothing here and is ignored", clipTag(n.Tag)))
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&root)
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		line := extra.Line
		if err != nil {
			line = 0
		}
		errs = append(errs, lineWarning(path, line, "the file holds more than one YAML document (\"---\"); only the first one is read"))
	}
	return errs
}

func clipTag(tag string) string {
	if len(tag) > 40 {
		return strings.ToValidUTF8(tag[:40], "") + "…"
	}
	return tag
}
