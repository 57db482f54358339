package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestDemoShowsBothDiagnoses(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	text := out.String()

	for _, want := range []string{
		`returns 200 OK {"Version":"demo"`,
		"Sandbox: DENIED (outside-sandbox-reach)",
		"(exit status 1)",
		"Sandbox: ALLOWED (allowed-app-group)",
		"(exit status 0)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if strings.Index(text, "DENIED") > strings.Index(text, "ALLOWED") {
		t.Error("demo shows the fix before the Docker case")
	}
}
