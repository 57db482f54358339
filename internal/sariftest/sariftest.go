// Package sariftest validates SARIF output in tests against the official
// OASIS SARIF 2.1.0 JSON schema (draft-04), read from the fixture corpus.
package sariftest

import (
	"bytes"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaURL is the schema's own $id, under which it is compiled.
const schemaURL = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// SchemaError returns the violations of data against the schema file at
// schemaPath, or nil when data is valid. It skips t where the schema file
// is absent and fails t when data is not JSON.
func SchemaError(t testing.TB, schemaPath string, data []byte) error {
	t.Helper()
	file, err := os.Open(schemaPath)
	if os.IsNotExist(err) {
		t.Skipf("SARIF schema not found at %s", schemaPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()

	schemaDoc, err := jsonschema.UnmarshalJSON(file)
	if err != nil {
		t.Fatal(err)
	}
	compiler := jsonschema.NewCompiler()
	if err := compiler.AddResource(schemaURL, schemaDoc); err != nil {
		t.Fatal(err)
	}
	schema, err := compiler.Compile(schemaURL)
	if err != nil {
		t.Fatal(err)
	}

	instance, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	return schema.Validate(instance)
}
