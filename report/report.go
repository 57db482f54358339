// Package report renders sockdoctor's results as text for terminals, JSON for
// scripts, Markdown for tickets and SARIF for code scanning.
package report

// SchemaVersion is the version of the JSON report. Fields are added in minor
// releases and never renamed or removed without a new schema version.
const SchemaVersion = "1"
