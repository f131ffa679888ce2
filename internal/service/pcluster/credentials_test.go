// SPDX-License-Identifier: MPL-2.0

package pcluster

// Credentials that expire during a long create: every request is signed with the credentials of the
// moment, so a create outlives its sessions (the other ParallelCluster provider signs with a snapshot
// and fails after an hour: aws-parallelcluster issue 6894). Sessions here last 250 ms against a 1.5 s
// create; the emulator refuses a request signed with an expired session (403 ExpiredTokenException).

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/pcluster/api"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/pcluster"
)

// sessions issues a new temporary key on every Retrieve, valid for lifetime, as an STS role session.
type sessions struct {
	mu       sync.Mutex
	lifetime time.Duration
	expires  map[string]time.Time
}

func (s *sessions) Retrieve(context.Context) (aws.Credentials, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := fmt.Sprintf("ASIASESSION%06d", len(s.expires)+1)
	exp := time.Now().Add(s.lifetime)
	s.expires[id] = exp
	return aws.Credentials{AccessKeyID: id, SecretAccessKey: "secret-" + id, SessionToken: "token-" + id, CanExpire: true, Expires: exp}, nil
}

func (s *sessions) keys(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.expires[id]
	return "secret-" + id, ok
}

func (s *sessions) expiry(id string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.expires[id]
	return exp, ok
}

func TestCreateCluster_credentialsExpireDuringCreate(t *testing.T) {
	s := &sessions{lifetime: 250 * time.Millisecond, expires: map[string]time.Time{}}
	e := pcluster.New(pcluster.Config{
		Timings: pcluster.Timings{Create: 1500 * time.Millisecond, Update: 100 * time.Millisecond, Delete: 50 * time.Millisecond, FleetStop: 50 * time.Millisecond, FleetStart: 50 * time.Millisecond},
		EC2:     fakeEC2{},
		FileSystem: func(id string) (gateway.FileSystemInfo, bool) {
			return gateway.FileSystemInfo{ID: id, Lifecycle: "AVAILABLE"}, true
		},
		PlacementGroup: func(string, string) (string, bool) { return "cluster", true },
		Keys:           s.keys,
		KeyExpiry:      s.expiry,
	})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	polling := testPolling
	polling.MinInterval = 100 * time.Millisecond

	// The provider's way: a credentials cache that refreshes sessions, read on every attempt.
	pc, err := api.NewSignedClient(srv.URL+"/prod", &api.SigningDoer{Credentials: aws.NewCredentialsCache(s), Region: "us-east-1", BaseDelay: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	spec := choreoSpec()
	cl, err := createCluster(context.Background(), pc, polling, spec)
	if err != nil || cl.Status != "CREATE_COMPLETE" {
		t.Fatalf("create with refreshed credentials = %+v, %v", cl, err)
	}
	used := map[string]bool{}
	for _, c := range e.Calls() {
		if c.Error == "" {
			used[c.AccessKeyID] = true
		}
	}
	if len(used) < 3 {
		t.Errorf("the create was signed with %d sessions, want several (sessions last %s, the create %s)", len(used), s.lifetime, 1500*time.Millisecond)
	}

	// A client that signs with the credentials it was given once fails when they expire.
	first, _ := s.Retrieve(context.Background())
	snapshot, err := api.NewSignedClient(srv.URL+"/prod", &api.SigningDoer{
		Credentials: credentials.NewStaticCredentialsProvider(first.AccessKeyID, first.SecretAccessKey, first.SessionToken), Region: "us-east-1", MaxAttempts: 2, BaseDelay: 10 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	spec.Name, spec.Tags = "snapshot", map[string]string{OwnerTagKey: OwnerValue("snapshot")}
	_, err = createCluster(context.Background(), snapshot, polling, spec)
	if err == nil || !strings.Contains(err.Error(), "ExpiredTokenException") {
		t.Errorf("create signed with one snapshot of the credentials = %v, want ExpiredTokenException", err)
	}
}
