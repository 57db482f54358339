package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDemoShowsBothDiagnoses(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, ""); err != nil {
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

func TestDemoKeepsAppAndHome(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "kept")
	var out bytes.Buffer
	if err := run(&out, dir); err != nil {
		t.Fatal(err)
	}

	for _, path := range []string{
		filepath.Join(dir, "MyApp.app", "Contents", "Info.plist"),
		filepath.Join(dir, "home", ".docker", "run", "docker.sock"),
	} {
		if _, err := os.Lstat(path); err != nil {
			t.Errorf("kept folder lacks %s: %v", path, err)
		}
	}
	text := out.String()
	if !strings.Contains(text, "Kept the app and the home folder in "+dir) {
		t.Errorf("demo output does not name the kept folder %s", dir)
	}
	if !strings.Contains(text, "sockdoctor lint "+filepath.Join(dir, "MyApp.app")) {
		t.Errorf("demo output lacks the lint command for the kept app")
	}
}

func TestDemoKeepRejectsFolderWithFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run(io.Discard, dir)
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("run with a folder that has files: err = %v, want a not-empty error", err)
	}
}

func TestDemoKeepRejectsLongFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), strings.Repeat("d", 80))
	err := run(io.Discard, dir)
	if err == nil || !strings.Contains(err.Error(), "must stay under 104 bytes") {
		t.Errorf("run with a long folder: err = %v, want a path length error", err)
	}
}
