// SPDX-License-Identifier: MPL-2.0

package pcluster

// The update choreography against the ParallelCluster API emulator served in-process (fast timings, no
// EC2 behind it): which calls an update makes, in which order, and that the fleet is started again
// whatever happens to the update.

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/pcluster/api"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/pcluster"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

type fakeEC2 struct{}

func (fakeEC2) InstanceType(name string) (bool, bool, error) {
	return name != "c9.huge", strings.HasPrefix(name, "c5n."), nil
}

func (fakeEC2) Subnet(string) (bool, string, error) { return true, "vpc-1", nil }

var testPolling = wait.Polling{MinInterval: 10 * time.Millisecond, MaxInterval: 50 * time.Millisecond}

// configStore serves cluster configurations at URLs, as the API's S3 bucket does.
type configStore struct {
	mu   sync.Mutex
	docs map[string]string
	srv  *httptest.Server
}

func newConfigStore(t *testing.T) *configStore {
	s := &configStore{docs: map[string]string{}}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		doc, ok := s.docs[strings.TrimPrefix(r.URL.Path, "/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(doc))
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *configStore) url(_ context.Context, cluster, config string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs[cluster] = config
	return s.srv.URL + "/" + cluster
}

func startEmulator(t *testing.T) (*pcluster.Emulator, API) {
	t.Helper()
	store := newConfigStore(t)
	e := pcluster.New(pcluster.Config{
		ConfigURL: store.url,
		Timings:   pcluster.Timings{Create: 100 * time.Millisecond, Update: 100 * time.Millisecond, Delete: 50 * time.Millisecond, FleetStop: 60 * time.Millisecond, FleetStart: 60 * time.Millisecond},
		EC2:       fakeEC2{},
		FileSystem: func(id string) (gateway.FileSystemInfo, bool) {
			return gateway.FileSystemInfo{ID: id, Lifecycle: "AVAILABLE", VpcID: "vpc-1"}, true
		},
		PlacementGroup: func(string, string) (string, bool) { return "cluster", true },
		Keys:           func(id string) (string, bool) { return "secret", id == "AKIDTEST" },
	})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	c, err := api.NewSignedClient(srv.URL+"/prod", &api.SigningDoer{Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""), Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	return e, c
}

func choreoSpec() ClusterSpec {
	return ClusterSpec{
		Name: "hpc", Region: "us-east-1", OS: "alinux2023",
		HeadNode: HeadNodeSpec{InstanceType: "c5.xlarge", SubnetID: "subnet-0123456789abcdef0"},
		Slurm:    SlurmSpec{ScaledownIdleMinutes: 10},
		Queues: []QueueSpec{{Name: "compute", SubnetIDs: []string{"subnet-0123456789abcdef0"},
			ComputeResources: []ComputeResourceSpec{{Name: "c5", InstanceType: "c5.xlarge", MaxCount: 4}}}},
		Tags:                         map[string]string{OwnerTagKey: OwnerValue("hpc")},
		StopComputeFleetWhenRequired: true,
	}
}

// mutations lists the emulator's calls that change something (plus dry runs), in order.
func mutations(e *pcluster.Emulator) string {
	var out []string
	for _, c := range e.Calls() {
		if c.Operation == "CreateCluster" || c.Operation == "UpdateCluster" || c.Operation == "UpdateComputeFleet" || c.Operation == "DeleteCluster" {
			out = append(out, c.Operation+":"+c.Detail)
		}
	}
	return strings.Join(out, ",")
}

func createForTest(t *testing.T, pc API) {
	t.Helper()
	cl, err := createCluster(context.Background(), pc, testPolling, choreoSpec())
	if err != nil || cl.Status != "CREATE_COMPLETE" {
		t.Fatalf("create: %v %+v", err, cl)
	}
}

func TestUpdateCluster_choreography(t *testing.T) {
	for name, tc := range map[string]struct {
		change     func(*ClusterSpec)
		failUpdate string
		wantCalls  string
		wantErr    string
		wantStatus string
	}{
		"stop, update, start": {
			change:     func(s *ClusterSpec) { s.Queues[0].ComputeResources[0].InstanceType = "c5.2xlarge" },
			wantCalls:  "UpdateCluster:dryrun,UpdateComputeFleet:STOP_REQUESTED,UpdateCluster:,UpdateComputeFleet:START_REQUESTED",
			wantStatus: "UPDATE_COMPLETE",
		},
		"failed update still restarts the fleet": {
			change:     func(s *ClusterSpec) { s.Slurm.ScaledownIdleMinutes = 20 },
			failUpdate: "HeadNode: cfn-hup failed to apply the update",
			wantCalls:  "UpdateCluster:dryrun,UpdateComputeFleet:STOP_REQUESTED,UpdateCluster:,UpdateComputeFleet:START_REQUESTED",
			wantErr:    "UPDATE_FAILED",
		},
		"no stop needed": {
			change:     func(s *ClusterSpec) { s.Queues[0].ComputeResources[0].MaxCount = 8 },
			wantCalls:  "UpdateCluster:dryrun,UpdateCluster:",
			wantStatus: "UPDATE_COMPLETE",
		},
		"stop not allowed": {
			change: func(s *ClusterSpec) {
				s.Queues[0].ComputeResources[0].MinCount = 1
				s.StopComputeFleetWhenRequired = false
			},
			wantCalls: "UpdateCluster:dryrun",
			wantErr:   "Scheduling.SlurmQueues[compute].ComputeResources[c5].MinCount",
		},
		"unsupported change": {
			change:    func(s *ClusterSpec) { s.HeadNode.InstanceType = "c5.2xlarge" },
			wantCalls: "UpdateCluster:dryrun",
			wantErr:   "Update actions are not currently supported for the 'InstanceType' parameter",
		},
		"no change": {
			change:     func(*ClusterSpec) {},
			wantCalls:  "UpdateCluster:dryrun",
			wantStatus: "CREATE_COMPLETE",
		},
	} {
		t.Run(name, func(t *testing.T) {
			e, pc := startEmulator(t)
			createForTest(t, pc)
			if tc.failUpdate != "" {
				e.FailNextUpdate("us-east-1", "hpc", tc.failUpdate)
			}
			e.ResetCalls()
			spec := choreoSpec()
			tc.change(&spec)
			cl, err := updateCluster(context.Background(), pc, testPolling, spec)
			if got := mutations(e); got != tc.wantCalls {
				t.Errorf("calls = %s\nwant    %s", got, tc.wantCalls)
			}
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("update: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("update error = %v, want one containing %q", err, tc.wantErr)
			case tc.wantErr == "" && cl.Status != tc.wantStatus:
				t.Errorf("status = %s, want %s", cl.Status, tc.wantStatus)
			case tc.wantErr == "" && cl.ComputeFleetStatus != "RUNNING":
				t.Errorf("the update reports the compute fleet %s, want RUNNING (read after the restart)", cl.ComputeFleetStatus)
			}
			if tc.failUpdate != "" && !strings.Contains(err.Error(), tc.failUpdate) {
				t.Errorf("the error does not carry the failure: %v", err)
			}
			var stop *StopRequiredError
			if name == "stop not allowed" && !errors.As(err, &stop) {
				t.Errorf("error %T is not a StopRequiredError", err)
			}
			d, err := findCluster(context.Background(), pc, "us-east-1", "hpc")
			if err != nil {
				t.Fatal(err)
			}
			if d.ComputeFleetStatus != api.ComputeFleetStatusRUNNING {
				t.Errorf("compute fleet %s after the update, want RUNNING", d.ComputeFleetStatus)
			}
		})
	}
}

func TestCreateCluster_failedAndAdopted(t *testing.T) {
	e, pc := startEmulator(t)
	spec := choreoSpec()
	spec.Tags[pcluster.FailTagKey] = "HeadNodeBootstrapFailure: the head node bootstrap failed: /etc/parallelcluster/cfnconfig missing"
	cl, err := createCluster(context.Background(), pc, testPolling, spec)
	if err == nil || cl == nil || cl.Status != "CREATE_FAILED" {
		t.Fatalf("create = %+v, %v; want CREATE_FAILED with an error", cl, err)
	}
	for _, want := range []string{"HeadNodeBootstrapFailure", "cfnconfig missing", "CloudFormation stack events", "HeadNodeWaitCondition"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q:\n%v", want, err)
		}
	}
	if err := deleteCluster(context.Background(), pc, testPolling, "us-east-1", "hpc"); err != nil {
		t.Fatal(err)
	}

	// A create whose answer was lost (or whose caller crashed) is adopted, not repeated.
	e.ResetCalls()
	spec = choreoSpec()
	doc, _ := RenderConfig(spec)
	if r, err := pc.CreateClusterWithResponse(context.Background(), nil, api.CreateClusterJSONRequestBody{ClusterName: "hpc", ClusterConfiguration: doc}); err != nil || r.JSON202 == nil {
		t.Fatalf("first create: %v", err)
	}
	cl, err = createCluster(context.Background(), pc, testPolling, spec)
	if err != nil || cl.Status != "CREATE_COMPLETE" {
		t.Fatalf("adopting create = %+v, %v", cl, err)
	}
	if got := mutations(e); got != "CreateCluster:" {
		t.Errorf("calls = %s, want one CreateCluster", got)
	}

	// Its create finished: adopted again only with the same configuration (ParallelCluster tags cannot
	// change, so no "create pending" tag tells a finished create from an interrupted one).
	e.ResetCalls()
	if cl, err := createCluster(context.Background(), pc, testPolling, spec); err != nil || cl.Status != "CREATE_COMPLETE" {
		t.Errorf("create of the same configuration over the finished cluster = %+v, %v; want it adopted", cl, err)
	}
	differs := choreoSpec()
	differs.Queues[0].ComputeResources[0].MaxCount = 9
	var conflict *owner.ConflictError
	if _, err := createCluster(context.Background(), pc, testPolling, differs); !errors.As(err, &conflict) {
		t.Errorf("create of another configuration over the finished cluster = %v, want an owner.ConflictError", err)
	}
	if got := mutations(e); got != "" {
		t.Errorf("calls = %s, want no create", got)
	}

	// A cluster of the name without the ownership tag is not ours.
	other := choreoSpec()
	other.Name = "theirs"
	other.Tags = map[string]string{}
	doc, _ = RenderConfig(other)
	if r, err := pc.CreateClusterWithResponse(context.Background(), nil, api.CreateClusterJSONRequestBody{ClusterName: "theirs", ClusterConfiguration: doc}); err != nil || r.JSON202 == nil {
		t.Fatalf("foreign create: %v", err)
	}
	mine := choreoSpec()
	mine.Name = "theirs"
	mine.Tags = map[string]string{OwnerTagKey: OwnerValue("theirs")}
	if _, err := createCluster(context.Background(), pc, testPolling, mine); !errors.Is(err, ErrNotOwned) {
		t.Errorf("create over a foreign cluster = %v, want ErrNotOwned", err)
	}
}
