package report

import (
	"encoding/json"
	"io"
)

// WriteJSON writes r as indented JSON followed by a newline. The output is
// deterministic: struct fields keep their declared order, encoding/json
// sorts map keys, and findings arrive sorted by checks.SortFindings.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
