// SPDX-License-Identifier: MPL-2.0

package conns_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/pcluster"
	pc "github.com/rayhpc/terraform-provider-rayhpc/internal/service/pcluster"
)

type fakeEC2 struct{}

func (fakeEC2) InstanceType(string) (bool, bool, error) { return true, false, nil }
func (fakeEC2) Subnet(string) (bool, string, error)     { return true, "vpc-1", nil }

// stsSessions is an STS that issues role sessions lasting ttl and remembers them, so the emulator can
// verify (and expire) what it issued.
type stsSessions struct {
	mu      sync.Mutex
	ttl     time.Duration
	expires map[string]time.Time
}

func (s *stsSessions) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	w.Header().Set("Content-Type", "text/xml")
	switch r.Form.Get("Action") {
	case "AssumeRole":
		s.mu.Lock()
		id := fmt.Sprintf("ASIAROLE%06d", len(s.expires)+1)
		exp := time.Now().Add(s.ttl)
		s.expires[id] = exp
		s.mu.Unlock()
		fmt.Fprintf(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>%[1]s</AccessKeyId><SecretAccessKey>secret-%[1]s</SecretAccessKey><SessionToken>token-%[1]s</SessionToken><Expiration>%[2]s</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/deploy/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`, id, exp.UTC().Format(time.RFC3339))
	case "GetCallerIdentity":
		fmt.Fprint(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>
<Arn>arn:aws:sts::123456789012:assumed-role/deploy/s</Arn><UserId>AROA:s</UserId><Account>123456789012</Account>
</GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
	default:
		http.Error(w, "unexpected action", http.StatusBadRequest)
	}
}

func (s *stsSessions) keys(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id == "AKIDEXAMPLE" { // isolateEnv's static credentials
		return "base-secret", true
	}
	_, ok := s.expires[id]
	return "secret-" + id, ok
}

func (s *stsSessions) expiry(id string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.expires[id]
	return exp, ok
}

func newEmulator(t *testing.T, create time.Duration, s *stsSessions) (*pcluster.Emulator, string) {
	t.Helper()
	e := pcluster.New(pcluster.Config{
		Timings:        pcluster.Timings{Create: create, Update: time.Second, Delete: 100 * time.Millisecond, FleetStop: 100 * time.Millisecond, FleetStart: 100 * time.Millisecond},
		EC2:            fakeEC2{},
		FileSystem:     func(string) (gateway.FileSystemInfo, bool) { return gateway.FileSystemInfo{}, false },
		PlacementGroup: func(string, string) (string, bool) { return "", false },
		Keys:           s.keys,
		KeyExpiry:      s.expiry,
	})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return e, srv.URL + "/prod"
}

// The provider's assume_role sessions expire during a long create; every ParallelCluster API request is
// signed with the session of the moment, so the create completes across several sessions.
func TestParallelCluster_assumeRoleSessionsRefreshed(t *testing.T) {
	isolateEnv(t)
	t.Setenv("AWS_ENDPOINT_URL_PARALLELCLUSTER", "")
	s := &stsSessions{ttl: 2 * time.Second, expires: map[string]time.Time{}}
	stsSrv := httptest.NewServer(s)
	t.Cleanup(stsSrv.Close)
	e, endpoint := newEmulator(t, 5*time.Second, s)
	ctx := context.Background()
	c, diags := conns.New(ctx, conns.Config{
		Region:       "us-east-1",
		Endpoints:    map[string]string{"sts": stsSrv.URL, "parallelcluster": endpoint},
		AssumeRole:   &conns.AssumeRole{RoleARN: "arn:aws:iam::123456789012:role/deploy", SessionName: "s"},
		PollInterval: "200ms",
	})
	if diags.HasError() {
		t.Fatalf("New: %v", diags)
	}
	spec := pc.ClusterSpec{Name: "long", OS: "alinux2023",
		HeadNode: pc.HeadNodeSpec{InstanceType: "t3.medium", SubnetID: "subnet-0123456789abcdef0"},
		Slurm:    pc.SlurmSpec{ScaledownIdleMinutes: 10},
		Queues: []pc.QueueSpec{{Name: "q", SubnetIDs: []string{"subnet-0123456789abcdef0"},
			ComputeResources: []pc.ComputeResourceSpec{{Name: "cr", InstanceType: "c5.xlarge", MaxCount: 1}}}},
		Tags: map[string]string{pc.OwnerTagKey: pc.OwnerValue("long")}}
	cl, err := pc.CreateCluster(ctx, c, spec)
	if err != nil || cl.Status != "CREATE_COMPLETE" {
		t.Fatalf("create across expiring sessions = %+v, %v", cl, err)
	}
	sessions := map[string]bool{}
	for _, call := range e.Calls() {
		if call.Error == "" {
			sessions[call.AccessKeyID] = true
		}
	}
	if len(sessions) < 2 {
		t.Errorf("the create was signed with %d role sessions, want several (sessions last %s, the create 5s)", len(sessions), s.ttl)
	}
}

// With parallelcluster_api_stack_name, the endpoint is the stack's ParallelClusterApiInvokeUrl output.
func TestParallelCluster_endpointFromStack(t *testing.T) {
	isolateEnv(t)
	t.Setenv("AWS_ENDPOINT_URL_PARALLELCLUSTER", "")
	s := &stsSessions{expires: map[string]time.Time{}}
	_, endpoint := newEmulator(t, time.Second, s)
	var asked []string
	cfn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		asked = append(asked, r.Form.Get("Action")+" "+r.Form.Get("StackName"))
		w.Header().Set("Content-Type", "text/xml")
		outputs := ""
		if r.Form.Get("StackName") == "pcluster-api" {
			outputs = `<member><OutputKey>` + conns.ParallelClusterAPIInvokeURLOutput + `</OutputKey><OutputValue>` + endpoint + `</OutputValue></member>`
		}
		fmt.Fprintf(w, `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>
<StackName>%s</StackName><StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/x/1</StackId><CreationTime>2026-01-01T00:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus>
<Outputs>%s</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeStacksResponse>`, r.Form.Get("StackName"), outputs)
	}))
	t.Cleanup(cfn.Close)
	ctx := context.Background()
	for _, tc := range []struct{ stack, wantErr string }{
		{"pcluster-api", ""},
		{"not-an-api-stack", "has no ParallelClusterApiInvokeUrl output"},
	} {
		c, diags := conns.New(ctx, conns.Config{Region: "us-east-1", SkipCredentialsValidation: true,
			Endpoints: map[string]string{"cloudformation": cfn.URL}, ParallelClusterAPIStackName: tc.stack})
		if diags.HasError() {
			t.Fatalf("New: %v", diags)
		}
		api, err := c.ParallelCluster(ctx)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("stack %s: error %v, want %q", tc.stack, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("stack %s: %v", tc.stack, err)
		}
		r, err := api.ListClustersWithResponse(ctx, nil)
		if err != nil || r.JSON200 == nil {
			t.Fatalf("ListClusters through the stack's endpoint: %v %d %s", err, r.StatusCode(), r.Body)
		}
	}
	if len(asked) != 2 || asked[0] != "DescribeStacks pcluster-api" {
		t.Errorf("CloudFormation calls %v", asked)
	}
}
