// SPDX-License-Identifier: MPL-2.0

// Command sandbox runs the local AWS sandbox (moto behind the rayhpc gateway)
// in the foreground until SIGINT or SIGTERM, printing the environment to
// export. Used by `make sandbox` (foreground) and `make demo` (background,
// stopped by PID; it waits for -env-file to appear).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/kube"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/pcluster"
)

func main() {
	os.Exit(run())
}

func run() int {
	timings := flag.String("timings", "demo", "lifecycle durations of FSx resources: fast (tests) or demo")
	envFile := flag.String("env-file", "", "write `export K='V'` lines to this file (atomically) once the sandbox is ready")
	pidFile := flag.String("pid-file", "", "write this process's PID to this file")
	verbose := flag.Bool("v", false, "log moto's output and every AWS call to stderr")
	noSeed := flag.Bool("no-seed", false, "do not seed the data-lake bucket and default VPC lookup")
	cliConfig := flag.String("cli-config", "", "also export TF_CLI_CONFIG_FILE=`path` (a CLI config with a dev_overrides entry for the built provider)")
	terraform := flag.String("terraform", "terraform", "the terraform CLI to name in the printed example command")
	examples := flag.String("examples", "", "the examples/ directory to name in the printed example command")
	withKube := flag.Bool("kubernetes", false, "also run the Kubernetes control plane with the KubeRay operator behind the EKS cluster "+sandbox.EKSClusterName)
	buildKube := flag.Bool("build-kubernetes", false, "only build (or find in the cache) the Kubernetes stack's binaries, then exit")
	flag.Parse()
	if *buildKube {
		if _, err := kube.Build(context.Background(), os.Stderr); err != nil { //nolint:forbidigo // main
			fmt.Fprintln(os.Stderr, "sandbox:", err)
			return 1
		}
		return 0
	}

	t, ok := gateway.TimingsByName(*timings)
	if !ok {
		fmt.Fprintf(os.Stderr, "sandbox: unknown -timings %q (want fast or demo)\n", *timings)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *pidFile != "" {
		if err := writeAtomic(*pidFile, strconv.Itoa(os.Getpid())+"\n"); err != nil {
			fmt.Fprintln(os.Stderr, "sandbox:", err)
			return 1
		}
		defer os.Remove(*pidFile)
	}

	var logw io.Writer
	if *verbose {
		logw = os.Stderr
	}
	pt, _ := pcluster.TimingsByName(*timings)
	if *withKube {
		// Build first, with progress on stderr: the first build takes 15 minutes or more.
		if _, err := kube.Build(ctx, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "sandbox:", err)
			return 1
		}
	}
	sb, err := sandbox.Start(ctx, sandbox.Options{Timings: t, ParallelCluster: pt, Seed: !*noSeed, Log: logw, Kubernetes: *withKube})
	if err != nil {
		fmt.Fprintln(os.Stderr, "sandbox:", err)
		return 1
	}
	defer func() { _ = sb.Stop() }()

	exports, err := exportLines(sb.Env(), *cliConfig)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sandbox:", err)
		return 2
	}
	if *envFile != "" {
		if err := writeAtomic(*envFile, exports); err != nil {
			fmt.Fprintln(os.Stderr, "sandbox:", err)
			return 1
		}
		defer os.Remove(*envFile)
	}

	printReady(sb, *timings, exports, *envFile, *examples, *terraform)
	fmt.Println("# press Ctrl-C here to stop the sandbox")

	<-ctx.Done()
	fmt.Fprintln(os.Stderr, "sandbox: stopping")
	if err := sb.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "sandbox: stop:", err)
	}
	return 0
}

// exportLines is the sandbox's environment (and TF_CLI_CONFIG_FILE for cliConfig, when given) as
// `export K='V'` lines.
func exportLines(env []string, cliConfig string) (string, error) {
	if cliConfig != "" {
		abs, err := filepath.Abs(cliConfig)
		if err != nil {
			return "", err
		}
		env = append(env, "TF_CLI_CONFIG_FILE="+abs)
	}
	var exports strings.Builder
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		fmt.Fprintf(&exports, "export %s=%s\n", k, shellQuote(v))
	}
	return exports.String(), nil
}

// printReady prints where the sandbox listens and the lines to paste into another shell (then, with
// examples, the command that applies the demo).
func printReady(sb *sandbox.Sandbox, timings, exports, envFile, examples, terraform string) {
	fmt.Printf("# rayhpc sandbox ready: gateway %s, moto %s (pid %d), timings %s\n", sb.URL(), sb.MotoURL(), sb.MotoPID(), timings)
	fmt.Printf("# control endpoint: %s/_sandbox/{health,calls,faults}\n", sb.URL())
	if envFile != "" {
		fmt.Printf("# 1. in another shell, paste these lines (or: source %s):\n", shellQuote(envFile))
	} else {
		fmt.Println("# 1. in another shell, paste these lines:")
	}
	fmt.Print(exports)
	if examples != "" {
		fmt.Println("# 2. then apply any example as it ships, for instance:")
		fmt.Printf("cd %s && %s apply\n", shellQuote(filepath.Join(examples, "demo")), shellQuote(terraform))
	}
}

// shellQuote quotes v for POSIX shells with single quotes.
func shellQuote(v string) string {
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

// writeAtomic writes data to path through a temporary file and a rename, so a
// reader never sees a partial file.
func writeAtomic(path, data string) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if _, err := f.WriteString(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
