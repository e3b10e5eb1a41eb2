// Command nfpm builds Tokenwarden's Linux packages with the nfpm library
// (github.com/goreleaser/nfpm/v2). It is its own module, so none of nfpm's
// dependencies reach the app. scripts/dist runs it:
//
//	go run . -config ../../build/linux/nfpm.yaml -packager deb -target ../../dist/
//
// The config expands ${VAR} from the environment (VERSION, STAGE).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the deb packager
)

func main() {
	config := flag.String("config", "", "nfpm YAML config")
	packager := flag.String("packager", "deb", "package format")
	target := flag.String("target", ".", "output folder")
	flag.Parse()
	path, err := build(*config, *packager, *target)
	if err != nil {
		fmt.Fprintf(os.Stderr, "nfpm: %v\n", err)
		os.Exit(1)
	}
	fmt.Println(path)
}

func build(configPath, packager, targetDir string) (string, error) {
	if configPath == "" {
		return "", fmt.Errorf("-config is required")
	}
	config, err := nfpm.ParseFileWithEnvMapping(configPath, os.Getenv)
	if err != nil {
		return "", err
	}
	info, err := config.Get(packager)
	if err != nil {
		return "", err
	}
	info = nfpm.WithDefaults(info)
	if err := nfpm.Validate(info); err != nil {
		return "", err
	}
	pkg, err := nfpm.Get(packager)
	if err != nil {
		return "", err
	}
	target := filepath.Join(targetDir, pkg.ConventionalFileName(info))
	f, err := os.Create(target)
	if err != nil {
		return "", err
	}
	defer f.Close()
	info.Target = target
	if err := pkg.Package(info, f); err != nil {
		os.Remove(target)
		return "", err
	}
	return target, f.Close()
}
