// SPDX-License-Identifier: MPL-2.0

package conns_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/datasync"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
)

// A secret that no spelling-based mask would recognise: only the API model says it is sensitive.
const secretValue = "s3cr3t-VALUE-only-the-model-knows-0123456789"

// sensitiveCall is one call the provider makes that carries a member its API model marks sensitive,
// in the request (the provider sends it) or in the response (the provider reads it back).
type sensitiveCall struct {
	service, operation string
	members            []string
	response           string            // the fake API's answer (the secret in it for a response member)
	headers            map[string]string // the fake API's response headers
	call               func(ctx context.Context, c *conns.Client) error
}

var sensitiveCalls = []sensitiveCall{
	{"DataSync", "CreateLocationObjectStorage", []string{"SecretKey"}, `{"LocationArn":"arn:aws:datasync:us-east-1:123456789012:location/loc-1"}`, nil,
		func(ctx context.Context, c *conns.Client) error {
			_, err := c.DataSync().CreateLocationObjectStorage(ctx, &datasync.CreateLocationObjectStorageInput{
				ServerHostname: aws.String("objects.lab.example"), BucketName: aws.String("raw"),
				AccessKey: aws.String("lab-access-key"), SecretKey: aws.String(secretValue),
			})
			return err
		}},
	{"DataSync", "UpdateLocationObjectStorage", []string{"SecretKey"}, `{}`, nil,
		func(ctx context.Context, c *conns.Client) error {
			_, err := c.DataSync().UpdateLocationObjectStorage(ctx, &datasync.UpdateLocationObjectStorageInput{
				LocationArn: aws.String("arn:aws:datasync:us-east-1:123456789012:location/loc-1"), SecretKey: aws.String(secretValue),
			})
			return err
		}},
	{"DataSync", "CreateLocationSmb", []string{"Password"}, `{"LocationArn":"arn:aws:datasync:us-east-1:123456789012:location/loc-2"}`, nil,
		func(ctx context.Context, c *conns.Client) error {
			_, err := c.DataSync().CreateLocationSmb(ctx, &datasync.CreateLocationSmbInput{
				ServerHostname: aws.String("smb.lab.example"), Subdirectory: aws.String("/share"), User: aws.String("svc"),
				Password: aws.String(secretValue), AgentArns: []string{"arn:aws:datasync:us-east-1:123456789012:agent/agent-1"},
			})
			return err
		}},
	{"DataSync", "UpdateLocationSmb", []string{"Password"}, `{}`, nil,
		func(ctx context.Context, c *conns.Client) error {
			_, err := c.DataSync().UpdateLocationSmb(ctx, &datasync.UpdateLocationSmbInput{
				LocationArn: aws.String("arn:aws:datasync:us-east-1:123456789012:location/loc-2"), Password: aws.String(secretValue),
			})
			return err
		}},
	{"EC2", "CreateLaunchTemplate", []string{"UserData"}, ec2Answer("CreateLaunchTemplate", ""), nil,
		func(ctx context.Context, c *conns.Client) error {
			_, err := c.EC2().CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{
				LaunchTemplateName: aws.String("efa"), LaunchTemplateData: &ec2types.RequestLaunchTemplateData{UserData: aws.String(secretValue)},
			})
			return err
		}},
	{"EC2", "CreateLaunchTemplateVersion", []string{"UserData"}, ec2Answer("CreateLaunchTemplateVersion", ""), nil,
		func(ctx context.Context, c *conns.Client) error {
			_, err := c.EC2().CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{
				LaunchTemplateName: aws.String("efa"), LaunchTemplateData: &ec2types.RequestLaunchTemplateData{UserData: aws.String(secretValue)},
			})
			return err
		}},
	{"EC2", "DescribeLaunchTemplateVersions", []string{"UserData"}, ec2Answer("DescribeLaunchTemplateVersions",
		`<launchTemplateVersionSet><item><launchTemplateData><userData>`+secretValue+`</userData></launchTemplateData></item></launchTemplateVersionSet>`), nil,
		func(ctx context.Context, c *conns.Client) error {
			_, err := c.EC2().DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateName: aws.String("efa")})
			return err
		}},
	// S3 answers the KMS key and encryption context of an object in headers when the bucket encrypts with
	// SSE-KMS: the provider's manifest object (rayhpc_workflow_placement) is written, read and checked.
	{"S3", "PutObject", []string{"SSEKMSKeyId", "SSEKMSEncryptionContext"}, "", s3KMSHeaders,
		func(ctx context.Context, c *conns.Client) error {
			_, err := c.S3().PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("lake"), Key: aws.String("m.json"), Body: strings.NewReader("{}")})
			return err
		}},
	{"S3", "HeadObject", []string{"SSEKMSKeyId"}, "", s3KMSKeyHeaders,
		func(ctx context.Context, c *conns.Client) error {
			_, err := c.S3().HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("lake"), Key: aws.String("m.json")})
			return err
		}},
	{"S3", "GetObject", []string{"SSEKMSKeyId"}, "{}", s3KMSKeyHeaders,
		func(ctx context.Context, c *conns.Client) error {
			out, err := c.S3().GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("lake"), Key: aws.String("m.json")})
			if err == nil {
				err = out.Body.Close()
			}
			return err
		}},
}

// The headers of PutObject's answer (PutObjectOutput has SSEKMSKeyId and SSEKMSEncryptionContext) and
// of HeadObject's and GetObject's (SSEKMSKeyId only).
var (
	s3KMSHeaders = map[string]string{
		"X-Amz-Server-Side-Encryption":                "aws:kms",
		"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": "arn:aws:kms:us-east-1:123456789012:key/" + secretValue,
		"X-Amz-Server-Side-Encryption-Context":        secretValue + "-context",
	}
	s3KMSKeyHeaders = map[string]string{
		"X-Amz-Server-Side-Encryption":                "aws:kms",
		"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": "arn:aws:kms:us-east-1:123456789012:key/" + secretValue,
	}
)

// notSent are the sensitive members of operations the provider calls that it never sends and never gets
// back, with the reason.
var notSent = map[string]string{
	"fsx.createfilesystem.password":            "Windows and ONTAP Active Directory settings; the provider creates Lustre file systems only",
	"fsx.createfilesystem.fsxadminpassword":    "ONTAP settings; Lustre only",
	"fsx.updatefilesystem.password":            "Windows and ONTAP Active Directory settings; Lustre only",
	"fsx.updatefilesystem.fsxadminpassword":    "ONTAP settings; Lustre only",
	"fsx.describefilesystems.fsxadminpassword": "ONTAP settings; Lustre only",
	"s3.getobject.ssecustomerkey":              "the provider sends no SSE-C key",
	"s3.putobject.ssecustomerkey":              "the provider sends no SSE-C key",
	"s3.headobject.ssecustomerkey":             "the provider sends no SSE-C key",
}

func ec2Answer(op, inner string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><` + op + `Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>` +
		inner + `</` + op + `Response>`
}

// Each sensitive member the provider sends or reads is masked in the logged request or response body,
// while the rest of the body is still logged.
func TestClient_sensitiveMembersAreMasked(t *testing.T) {
	for _, tc := range sensitiveCalls {
		t.Run(tc.operation+"."+strings.Join(tc.members, "+"), func(t *testing.T) {
			isolateEnv(t)
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch tc.service {
				case "EC2", "S3":
					w.Header().Set("Content-Type", "text/xml")
				default:
					w.Header().Set("Content-Type", "application/x-amz-json-1.1")
				}
				for k, v := range tc.headers {
					w.Header().Set(k, v)
				}
				_, _ = w.Write([]byte(tc.response))
			}))
			t.Cleanup(api.Close)
			var buf bytes.Buffer
			c, diags := conns.New(tflogtest.RootLogger(context.Background(), &buf), conns.Config{
				Region: "us-east-1", SkipCredentialsValidation: true,
				Endpoints: map[string]string{"datasync": api.URL, "ec2": api.URL, "s3": api.URL},
			})
			if diags.HasError() {
				t.Fatalf("New: %v", diags)
			}
			if err := tc.call(tflogtest.RootLogger(context.Background(), &buf), c); err != nil {
				t.Fatal(err)
			}
			log := buf.String()
			if !strings.Contains(log, tc.operation) || !strings.Contains(log, "HTTP Response Received") {
				t.Fatalf("the call was not logged:\n%s", log)
			}
			if strings.Contains(log, secretValue) {
				t.Fatalf("%s %v reached the log:\n%s", tc.operation, tc.members, log)
			}
			if !strings.Contains(log, conns.Masked) {
				t.Errorf("no masked value in the log:\n%s", log)
			}
		})
	}
}

// Every operation the provider's code calls whose model has sensitive members has a case above for each
// of them: a new call with a secret cannot be added without proving it is masked.
func TestClient_everySensitiveMemberSentIsTested(t *testing.T) {
	tested := map[string]bool{}
	for _, tc := range sensitiveCalls {
		for _, m := range tc.members {
			tested[strings.ToLower(tc.service+"."+tc.operation+"."+m)] = true
		}
	}
	for k, why := range notSent {
		if why != "" {
			tested[k] = true
		}
	}
	for svc, ops := range providerCalls(t) {
		for op := range ops {
			for _, member := range conns.SensitiveMembers(svc, op) {
				if !tested[strings.ToLower(svc+"."+op+"."+member)] {
					t.Errorf("the provider calls %s %s, whose member %s the API model marks sensitive: add a case to sensitiveCalls", svc, op, member)
				}
			}
		}
	}
}

var (
	sdkImportRE = regexp.MustCompile(`(?m)^\s*(\w+\s+)?"github.com/aws/aws-sdk-go-v2/service/(\w+)"`)
	sdkInputRE  = regexp.MustCompile(`\b(\w+)\.(\w+)Input\{`)
	serviceIDs  = map[string]string{"datasync": "DataSync", "ec2": "EC2", "fsx": "FSx", "iam": "IAM", "s3": "S3", "sts": "STS",
		"eks": "EKS", "pricing": "Pricing", "cloudformation": "CloudFormation"}
)

// providerCalls lists, per service ID, the operations whose input the provider's (non-test) code builds.
func providerCalls(t *testing.T) map[string]map[string]bool {
	t.Helper()
	calls := map[string]map[string]bool{}
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "sandbox" || d.Name() == "acctest" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		aliases := map[string]string{}
		for _, m := range sdkImportRE.FindAllStringSubmatch(string(b), -1) {
			alias := strings.TrimSpace(m[1])
			if alias == "" {
				alias = m[2]
			}
			aliases[alias] = serviceIDs[m[2]]
		}
		for _, m := range sdkInputRE.FindAllStringSubmatch(string(b), -1) {
			if svc := aliases[m[1]]; svc != "" {
				if calls[svc] == nil {
					calls[svc] = map[string]bool{}
				}
				calls[svc][m[2]] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !calls["DataSync"]["CreateLocationObjectStorage"] || !calls["EC2"]["CreateLaunchTemplate"] {
		t.Fatalf("the scan of the provider's calls found too little: %v", calls)
	}
	return calls
}

// The AssumeRole call the provider makes for assume_role: the external ID it sends (sensitive in the
// provider's schema, see providerSensitive), the secret key it gets back (sensitive in the STS model) and
// the session token (which the model does not mark) are masked in the log.
func TestClient_assumeRoleIsLoggedMasked(t *testing.T) {
	isolateEnv(t)
	srv, issued := fakeSTS(t, time.Hour)
	const externalID = "partner-passphrase-Zq81XkLp"
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	c, diags := conns.New(ctx, conns.Config{
		Region:     "us-east-1",
		Endpoints:  map[string]string{"sts": srv.URL},
		AssumeRole: &conns.AssumeRole{RoleARN: "arn:aws:iam::123456789012:role/deploy", SessionName: "s", ExternalID: externalID},
	})
	if diags.HasError() {
		t.Fatalf("New: %v", diags)
	}
	if _, err := c.AWS.Credentials.Retrieve(ctx); err != nil {
		t.Fatal(err)
	}
	log := buf.String()
	if issued.Load() == 0 || !strings.Contains(log, "Action=AssumeRole") || !strings.Contains(log, "ASIAFAKE0001") {
		t.Fatalf("the AssumeRole call and its answer were not logged (%d calls):\n%s", issued.Load(), log)
	}
	for _, secret := range []string{externalID, "secret1", "token1"} {
		if strings.Contains(log, secret) {
			t.Errorf("%q reached the log:\n%s", secret, log)
		}
	}
}
