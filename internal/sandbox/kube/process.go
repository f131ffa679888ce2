// SPDX-License-Identifier: MPL-2.0

package kube

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// process is one component of the stack, started by this launcher and stopped by its PID.
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	done    chan struct{}
	err     error
}

// startProcess starts bin with args in its own process group, output to logDir/name.log. The child
// gets SIGKILL when the thread that forked it exits (Pdeathsig): the fork happens on a goroutine locked
// to its OS thread that then waits for the child, so a crashed test binary leaves nothing running.
func startProcess(logDir, name, bin string, args ...string) (*process, error) {
	logPath := filepath.Join(logDir, name+".log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	p := &process{name: name, cmd: cmd, logPath: logPath, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer logf.Close()
		if err := cmd.Start(); err != nil {
			started <- err
			close(p.done)
			return
		}
		started <- nil
		p.err = cmd.Wait()
		close(p.done)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("kube: starting %s: %w", name, err)
	}
	return p, nil
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// exitError describes how the process ended, with the end of its log.
func (p *process) exitError() error {
	b, _ := os.ReadFile(p.logPath)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return fmt.Errorf("kube: %s exited (%v); last lines of %s:\n%s", p.name, p.err, p.logPath, strings.Join(lines, "\n"))
}

// PID is the process ID.
func (p *process) PID() int { return p.cmd.Process.Pid }

// stopAll sends SIGTERM to each process group, waits up to grace for them together, then SIGKILLs what
// is left. Only the PIDs this launcher started are signalled.
func stopAll(grace time.Duration, ps ...*process) {
	for _, p := range ps {
		if p != nil && !p.exited() {
			_ = syscall.Kill(-p.PID(), syscall.SIGTERM)
		}
	}
	deadline := time.Now().Add(grace)
	for _, p := range ps {
		if p == nil {
			continue
		}
		select {
		case <-p.done:
		case <-time.After(time.Until(deadline)):
			_ = syscall.Kill(-p.PID(), syscall.SIGKILL)
			<-p.done
		}
	}
}
