// SPDX-License-Identifier: MPL-2.0

package kube

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// auditPolicy makes kube-apiserver log one event per completed request of the clients the sandbox
// serves (users authenticated by the token webhook, such as the provider with its EKS tokens), and
// nothing of the sandbox's own: its admin token (tests' checks, the controllers, kwok, the KubeRay
// operator) and the apiserver's loopback client. Metadata level: who, verb, object, response code; no
// bodies (https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/#audit-policy).
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived", "ResponseStarted"]
rules:
- level: None
  users: ["sandbox-admin", "system:apiserver"]
- level: None
  userGroups: ["system:serviceaccounts", "system:nodes"]
- level: Metadata
`

// auditArgs writes the policy and returns kube-apiserver's audit flags: a JSON log file written
// before the response returns (mode blocking), so a client's request is in the log when its call ends.
func (s *Stack) auditArgs() ([]string, error) {
	policy := filepath.Join(s.RunDir, "audit-policy.yaml")
	if err := os.WriteFile(policy, []byte(auditPolicy), 0o600); err != nil {
		return nil, err
	}
	s.auditLog = filepath.Join(s.RunDir, "audit.log")
	return []string{"--audit-policy-file=" + policy, "--audit-log-path=" + s.auditLog, "--audit-log-format=json",
		"--audit-log-mode=blocking", "--audit-log-maxbackup=0"}, nil
}

// Request is one request a client served by the token webhook made to the apiserver.
type Request struct {
	User, Verb, URI           string
	Resource, Namespace, Name string
	Code                      int
}

type auditEvent struct {
	User struct {
		Username string `json:"username"`
	} `json:"user"`
	Verb       string `json:"verb"`
	RequestURI string `json:"requestURI"`
	ObjectRef  *struct {
		Resource  string `json:"resource"`
		Namespace string `json:"namespace"`
		Name      string `json:"name"`
	} `json:"objectRef"`
	ResponseStatus *struct {
		Code int `json:"code"`
	} `json:"responseStatus"`
}

// Requests returns, in order, every request the apiserver has completed for the clients its token
// webhook authenticated (not the sandbox's own components), read from its audit log. Callers count a
// phase as the difference between two reads.
func (s *Stack) Requests() ([]Request, error) {
	f, err := os.Open(s.auditLog)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close() //nolint:errcheck // read-only
	var out []Request
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	for sc.Scan() {
		var e auditEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("audit log %s: %w", s.auditLog, err)
		}
		r := Request{User: e.User.Username, Verb: e.Verb, URI: e.RequestURI}
		if o := e.ObjectRef; o != nil {
			r.Resource, r.Namespace, r.Name = o.Resource, o.Namespace, o.Name
		}
		if e.ResponseStatus != nil {
			r.Code = e.ResponseStatus.Code
		}
		out = append(out, r)
	}
	return out, sc.Err()
}
