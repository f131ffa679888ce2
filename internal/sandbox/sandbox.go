// SPDX-License-Identifier: MPL-2.0

// Package sandbox starts the local AWS sandbox: moto (python3 -m moto.server)
// on a free loopback port, with the Go AWS gateway (package gateway) in front
// of it, and seeds what a demo needs (an S3 data-lake bucket with sample
// objects; moto's default VPC and subnets). Tests' TestMain, `make sandbox`
// and `make demo` all use Start.
package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/gateway"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/inventory"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/kube"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/pcluster"
)

// Sandbox credentials and region. The gateway verifies every request's SigV4
// signature against these (and against keys moto issues through it, such as
// STS AssumeRole credentials); moto itself accepts any credentials.
const (
	AccessKeyID     = "testing"
	SecretAccessKey = "testing"
	Region          = "us-east-1"
	// DataLakeBucket is the S3 bucket created by the seed.
	DataLakeBucket = "rayhpc-data-lake"
)

// MotoRequiredMessage is the error text when python3 or moto is missing.
const MotoRequiredMessage = "python3 with moto is required (make test and make demo set it up; scripts/tools.sh moto says how): pip install 'moto[server]>=5.2,<6'"

// ErrMotoUnavailable is returned (wrapped) by Start when python3 or moto is missing.
var ErrMotoUnavailable = errors.New(MotoRequiredMessage)

// errMotoExited: moto quit before answering (e.g. its port was taken); Start retries.
var errMotoExited = errors.New("moto exited before answering")

// Options configures Start.
type Options struct {
	// Timings of natively served resources; zero means gateway.FastTimings().
	Timings gateway.Timings
	// ParallelCluster are the ParallelCluster API emulator's timings; zero means pcluster.FastTimings().
	ParallelCluster pcluster.Timings
	// Seed creates the data-lake bucket and looks up the default VPC and subnets.
	Seed bool
	// Log receives moto's output and the gateway's request log (nil: discarded).
	Log io.Writer
	// StartTimeout bounds the wait for moto to answer (default 30s).
	StartTimeout time.Duration
	// Kubernetes also starts the real Kubernetes control plane with the KubeRay operator and kwok nodes
	// (kube.go; needs Seed; ~1 GB and ~15 s, plus a one-time build) behind the EKS cluster EKSClusterName.
	Kubernetes bool
}

// Sandbox is a running moto + gateway pair.
type Sandbox struct {
	gw      *gateway.Gateway
	pc      *pcluster.Emulator
	url     string
	motoURL string
	cmd     *exec.Cmd
	waitErr chan error
	stderr  *tailBuffer

	vars map[string]string

	// Seeded values (empty without Seed).
	Bucket    string
	VpcID     string
	SubnetIDs []string

	kube *kube.Stack

	stopOnce sync.Once
	stopErr  error
}

// MotoAvailable reports whether python3 with moto's server is installed, and
// why not.
func MotoAvailable() error {
	py, err := exec.LookPath("python3")
	if err != nil {
		return fmt.Errorf("%w (python3 not found in PATH)", ErrMotoUnavailable)
	}
	out, err := exec.Command(py, "-c", "import moto, moto.server; print(moto.__version__)").CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w (%s)", ErrMotoUnavailable, lastLine(string(out)))
	}
	return nil
}

// Start launches moto and the gateway and, with opts.Seed, seeds them. On
// error everything started is stopped again.
func Start(ctx context.Context, opts Options) (_ *Sandbox, err error) {
	if err := MotoAvailable(); err != nil {
		return nil, err
	}
	py, _ := exec.LookPath("python3")
	if opts.StartTimeout == 0 {
		opts.StartTimeout = 30 * time.Second
	}
	logw := opts.Log
	if logw == nil {
		logw = io.Discard
	}
	sb := &Sandbox{vars: map[string]string{}}
	defer func() {
		if err != nil {
			_ = sb.Stop()
		}
	}()

	const attempts = 3
	for i := 0; i < attempts; i++ {
		err = sb.startMoto(ctx, py, logw, opts.StartTimeout)
		if err == nil {
			break
		}
		if ctx.Err() != nil || !errors.Is(err, errMotoExited) {
			return nil, err
		}
	}
	if err != nil {
		return nil, err
	}

	var logMu sync.Mutex
	gw, err := gateway.New(gateway.Config{
		MotoURL:    sb.motoURL,
		Timings:    opts.Timings,
		Region:     Region,
		AccessKeys: map[string]string{AccessKeyID: SecretAccessKey},
		Logf: func(format string, args ...any) {
			logMu.Lock()
			defer logMu.Unlock()
			fmt.Fprintf(logw, format+"\n", args...)
		},
	})
	if err != nil {
		return nil, err
	}
	sb.gw = gw
	if sb.url, err = gw.Start(); err != nil {
		return nil, err
	}
	sb.startParallelCluster(opts.ParallelCluster, func(format string, args ...any) {
		logMu.Lock()
		defer logMu.Unlock()
		fmt.Fprintf(logw, format+"\n", args...)
	})
	sb.vars["region"] = Region
	if opts.Seed {
		if err := sb.seed(ctx); err != nil {
			return nil, fmt.Errorf("sandbox: seeding: %w", err)
		}
	}
	if opts.Kubernetes {
		if err := sb.startKube(ctx, logw); err != nil {
			return nil, err
		}
	}
	return sb, nil
}

func (sb *Sandbox) startMoto(ctx context.Context, py string, logw io.Writer, timeout time.Duration) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	sb.stderr = &tailBuffer{max: 8 << 10}
	cmd := exec.Command(py, "-m", "moto.server", "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Stdout = io.MultiWriter(logw, sb.stderr)
	cmd.Stderr = io.MultiWriter(logw, sb.stderr)
	cmd.Env = append(os.Environ(), "PYTHONUNBUFFERED=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	// Pdeathsig is delivered when the OS thread that forked the child exits,
	// not the process: fork from a goroutine locked to its thread, which then
	// stays blocked in Wait for as long as moto runs.
	started := make(chan error, 1)
	sb.waitErr = make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		sb.waitErr <- cmd.Wait()
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("sandbox: starting moto: %w", err)
	}
	sb.cmd = cmd
	sb.motoURL = "http://127.0.0.1:" + strconv.Itoa(port)

	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case werr := <-sb.waitErr:
			sb.waitErr <- werr
			sb.cmd = nil
			return fmt.Errorf("sandbox: %w (%v); output:\n%s", errMotoExited, werr, sb.stderr.String())
		case <-ctx.Done():
			sb.killMoto()
			return ctx.Err()
		default:
		}
		resp, err := client.Get(sb.motoURL + "/moto-api/")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			sb.killMoto()
			return fmt.Errorf("sandbox: moto did not answer on %s within %s; output:\n%s", sb.motoURL, timeout, sb.stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("sandbox: finding a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// AWSConfig returns an aws.Config for the sandbox (static test credentials,
// us-east-1, every service's endpoint set to the gateway).
func (sb *Sandbox) AWSConfig() aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, ""),
		BaseEndpoint: aws.String(sb.url),
	}
}

var sampleObjects = map[string]func(i int) string{
	"raw/sample-%03d.csv": func(i int) string {
		var b strings.Builder
		b.WriteString("sample_id,read_count,gc_content,quality\n")
		for r := 0; r < 120; r++ {
			fmt.Fprintf(&b, "S%03d-%04d,%d,%.3f,%d\n", i, r, 10000+(r*7919+i*104729)%90000, 0.35+float64((r*31+i*17)%300)/1000, 20+(r*13+i)%20)
		}
		return b.String()
	},
}

func genome() string {
	var b strings.Builder
	b.WriteString(">chr_sandbox_1 synthetic reference for the rayhpc sandbox\n")
	bases := "ACGT"
	x := uint32(2463534242)
	for line := 0; line < 60; line++ {
		for c := 0; c < 70; c++ {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			b.WriteByte(bases[x%4])
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func (sb *Sandbox) seed(ctx context.Context) error {
	cfg := sb.AWSConfig()
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(DataLakeBucket)}); err != nil {
		return fmt.Errorf("creating bucket %s: %w", DataLakeBucket, err)
	}
	objects := map[string]string{
		"reference/genome.fa": genome(),
		"README.txt":          "rayhpc sandbox data lake: raw/ holds sample reads summaries, reference/ a synthetic genome.\n",
	}
	for i := 0; i < 3; i++ {
		objects[fmt.Sprintf("raw/sample-%03d.csv", i)] = sampleObjects["raw/sample-%03d.csv"](i)
	}
	keys := make([]string, 0, len(objects))
	for k := range objects {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(DataLakeBucket), Key: aws.String(k), Body: bytes.NewReader([]byte(objects[k])),
		}); err != nil {
			return fmt.Errorf("putting s3://%s/%s: %w", DataLakeBucket, k, err)
		}
	}
	sb.Bucket = DataLakeBucket

	ec2c := ec2.NewFromConfig(cfg)
	vpcs, err := ec2c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}}})
	if err != nil {
		return fmt.Errorf("describing the default VPC: %w", err)
	}
	if len(vpcs.Vpcs) == 0 {
		return errors.New("moto has no default VPC")
	}
	sb.VpcID = aws.ToString(vpcs.Vpcs[0].VpcId)
	subnets, err := ec2c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{sb.VpcID}},
		{Name: aws.String("default-for-az"), Values: []string{"true"}},
	}})
	if err != nil {
		return fmt.Errorf("describing the default subnets: %w", err)
	}
	sort.Slice(subnets.Subnets, func(i, j int) bool {
		return aws.ToString(subnets.Subnets[i].AvailabilityZone) < aws.ToString(subnets.Subnets[j].AvailabilityZone)
	})
	for _, s := range subnets.Subnets {
		sb.SubnetIDs = append(sb.SubnetIDs, aws.ToString(s.SubnetId))
	}
	if len(sb.SubnetIDs) == 0 {
		return fmt.Errorf("the default VPC %s has no default subnets", sb.VpcID)
	}
	ids, _ := json.Marshal(sb.SubnetIDs)
	sb.vars["data_lake_bucket"] = sb.Bucket
	sb.vars["vpc_id"] = sb.VpcID
	sb.vars["subnet_id"] = sb.SubnetIDs[0]
	sb.vars["subnet_ids"] = string(ids)
	return sb.seedExampleInputs(ctx)
}

// URL is the gateway's base URL (the AWS endpoint to use).
func (sb *Sandbox) URL() string { return sb.url }

// MotoURL is moto's own base URL (bypasses the gateway; for diagnostics).
func (sb *Sandbox) MotoURL() string { return sb.motoURL }

// MotoPID is the process ID of moto (0 once stopped).
func (sb *Sandbox) MotoPID() int {
	if sb.cmd == nil || sb.cmd.Process == nil {
		return 0
	}
	return sb.cmd.Process.Pid
}

// Gateway is the in-process gateway (call log, faults).
func (sb *Sandbox) Gateway() *gateway.Gateway { return sb.gw }

// Vars returns the Terraform variables seeded (keys without the TF_VAR_
// prefix): region, and with Seed data_lake_bucket, vpc_id, subnet_id, subnet_ids (JSON list),
// account_id, ami_id and datasync_role_arn.
func (sb *Sandbox) Vars() map[string]string {
	out := make(map[string]string, len(sb.vars))
	for k, v := range sb.vars {
		out[k] = v
	}
	return out
}

// Env returns the environment ("K=V") pointing AWS SDKs, the AWS CLI and
// Terraform at the sandbox.
func (sb *Sandbox) Env() []string {
	env := []string{
		"AWS_ENDPOINT_URL=" + sb.url,
		"AWS_ACCESS_KEY_ID=" + AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + SecretAccessKey,
		"AWS_REGION=" + Region,
		"AWS_DEFAULT_REGION=" + Region,
		"AWS_EC2_METADATA_DISABLED=true",
		"RAYHPC_SANDBOX_URL=" + sb.url,
		"AWS_ENDPOINT_URL_PARALLELCLUSTER=" + sb.ParallelClusterURL(),
		// The sandbox's lifecycles take seconds, not minutes: poll it often (the provider's poll_interval).
		"RAYHPC_POLL_INTERVAL=" + sb.gw.Timings().PollInterval().String(),
	}
	if sb.kube != nil {
		// The admin kubeconfig of the Kubernetes control plane, for listings (rayhpc-inventory).
		env = append(env, inventory.KubeconfigEnv+"="+sb.kube.Kubeconfig)
	}
	keys := make([]string, 0, len(sb.vars))
	for k := range sb.vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, "TF_VAR_"+k+"="+sb.vars[k])
	}
	return env
}

// Setenv exports Env() into this process's environment (for TestMain).
func (sb *Sandbox) Setenv() error {
	for _, kv := range sb.Env() {
		k, v, _ := strings.Cut(kv, "=")
		if err := os.Setenv(k, v); err != nil {
			return err
		}
	}
	return nil
}

// Stop closes the gateway and kills moto's process group, waiting for it to
// exit. It is idempotent.
func (sb *Sandbox) Stop() error {
	sb.stopOnce.Do(func() {
		if sb.kube != nil {
			sb.kube.Stop()
		}
		if sb.gw != nil {
			sb.stopErr = sb.gw.Close()
		}
		sb.killMoto()
	})
	return sb.stopErr
}

func (sb *Sandbox) killMoto() {
	if sb.cmd == nil || sb.cmd.Process == nil {
		return
	}
	pid := sb.cmd.Process.Pid
	// Negative PID: the whole process group (moto may fork workers).
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case <-sb.waitErr:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		<-sb.waitErr
	}
	sb.cmd = nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
