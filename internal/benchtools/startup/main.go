// SPDX-License-Identifier: MPL-2.0

// Command startup measures how long the provider binary takes from exec to a served plugin (the
// go-plugin handshake line on stdout) and the peak resident memory (VmHWM) it reached by then.
// Used by `make bench`.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// The handshake cookie every Terraform plugin checks before serving (terraform-plugin-go).
const magicCookieKey, magicCookieValue = "TF_PLUGIN_MAGIC_COOKIE", "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"

func main() {
	bin := flag.String("bin", ".build/bin/terraform-provider-rayhpc", "provider binary")
	runs := flag.Int("runs", 9, "number of starts")
	flag.Parse()

	var durs []time.Duration
	var peakKB int
	for i := 0; i < *runs; i++ {
		d, kb, err := once(*bin)
		if err != nil {
			fmt.Fprintln(os.Stderr, "startup:", err)
			os.Exit(1)
		}
		durs = append(durs, d)
		peakKB = max(peakKB, kb)
	}
	slices.Sort(durs)
	fmt.Printf("provider start-up to served plugin: median %s, min %s, max %s over %d runs; peak RSS %.1f MiB\n",
		durs[len(durs)/2].Round(time.Millisecond), durs[0].Round(time.Millisecond),
		durs[len(durs)-1].Round(time.Millisecond), len(durs), float64(peakKB)/1024)
}

func once(bin string) (time.Duration, int, error) {
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), magicCookieKey+"="+magicCookieValue,
		"PLUGIN_PROTOCOL_VERSIONS=6", "PLUGIN_MIN_PORT=0", "PLUGIN_MAX_PORT=0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	elapsed := time.Since(start)
	if err != nil {
		return 0, 0, fmt.Errorf("no handshake from %s: %w", bin, err)
	}
	if !strings.Contains(line, "|6|") {
		return 0, 0, fmt.Errorf("unexpected handshake %q", line)
	}
	kb, err := vmHWM(cmd.Process.Pid)
	return elapsed, kb, err
}

func vmHWM(pid int) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			var kb int
			_, err := fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kb)
			return kb, err
		}
	}
	return 0, fmt.Errorf("no VmHWM for pid %d", pid)
}
