// Command sockdoctor explains why a sandboxed macOS app cannot reach a Unix
// domain socket and names the supported way out.
package main

import (
	"os"

	"github.com/sockdoctor/sockdoctor/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.StandardIO()))
}
