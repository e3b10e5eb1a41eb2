package oauth

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// FlexInt reads a JSON number or a number in a string ("5183944"), as
// platforms send expires_in, exp and ids; a value beyond int64 is capped
// (converting such a float is undefined in Go).
type FlexInt int64

func (f *FlexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*f = 0
		return nil
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return err
	}
	switch {
	case n >= math.MaxInt64:
		*f = math.MaxInt64
	case n <= math.MinInt64:
		*f = math.MinInt64
	default:
		*f = FlexInt(n)
	}
	return nil
}

// FlexString reads a JSON string or number as text (ids); objects and
// arrays read as "".
type FlexString string

func (f *FlexString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = FlexString(s)
		return nil
	}
	if string(b) == "null" {
		*f = ""
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return nil
	}
	*f = FlexString(n.String())
	return nil
}
