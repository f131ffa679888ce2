// SPDX-License-Identifier: MPL-2.0

package ekstoken_test

import (
	"context"
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/ekstoken"
)

const (
	endpoint = "http://127.0.0.1:4566"
	cluster  = "ray-eks"
	adminARN = "arn:aws:iam::123456789012:user/admin"
)

// mint makes a token the way the provider does (conns.Client.EKSToken), with the given keys.
func mint(t *testing.T, ak, secret, clusterName, ep string) string {
	t.Helper()
	c := &conns.Client{AWS: aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(ep),
		Credentials: credentials.NewStaticCredentialsProvider(ak, secret, "")}}
	tok, _, err := c.EKSToken(context.Background(), clusterName, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func verifier(now time.Time) *ekstoken.Verifier {
	u, _ := url.Parse(endpoint)
	return &ekstoken.Verifier{
		ClusterName: cluster,
		STSEndpoint: u,
		Keys: func(ak string) (string, bool) {
			s, ok := map[string]string{"AKIDADMIN": "secret", "AKIDOTHER": "other"}[ak]
			return s, ok
		},
		Identity: func(_ context.Context, ak string) (string, error) {
			return map[string]string{"AKIDADMIN": adminARN, "AKIDOTHER": "arn:aws:iam::123456789012:user/nobody"}[ak], nil
		},
		Users: map[string]ekstoken.Mapping{adminARN: {Username: "kubernetes-admin", Groups: []string{"system:masters"}}},
		Now:   func() time.Time { return now },
	}
}

func TestAuthenticate(t *testing.T) {
	good := mint(t, "AKIDADMIN", "secret", cluster, endpoint)
	raw, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(good, ekstoken.Prefix))
	if !strings.Contains(string(raw), "X-Amz-Expires=60") || !strings.Contains(string(raw), "x-k8s-aws-id") {
		t.Fatalf("token URL lacks X-Amz-Expires=60 or the signed cluster header: %s", raw)
	}
	tampered := ekstoken.Prefix + base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), "Version=2011-06-15", "Version=2011-06-16", 1)))
	now := time.Now()
	cases := []struct {
		name, token string
		at          time.Time
		wantErr     string
	}{
		{"valid", good, now, ""},
		{"valid after X-Amz-Expires, within 15 minutes", good, now.Add(14 * time.Minute), ""},
		{"expired", good, now.Add(16 * time.Minute), "expired"},
		{"other cluster", mint(t, "AKIDADMIN", "secret", "other-cluster", endpoint), now, "signature"},
		{"wrong secret", mint(t, "AKIDADMIN", "wrong", cluster, endpoint), now, "signature"},
		{"unknown key", mint(t, "AKIDUNKNOWN", "x", cluster, endpoint), now, "invalid"},
		{"other endpoint", mint(t, "AKIDADMIN", "secret", cluster, "http://127.0.0.1:9"), now, "unexpected STS endpoint"},
		{"tampered", tampered, now, "signature"},
		{"unmapped identity", mint(t, "AKIDOTHER", "other", cluster, endpoint), now, "no aws-auth mapping"},
		{"no prefix", strings.TrimPrefix(good, ekstoken.Prefix), now, "prefix"},
		{"padded base64", good + "==", now, "base64"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u, err := verifier(tc.at).Authenticate(context.Background(), tc.token)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if u.Username != "kubernetes-admin" || len(u.Groups) != 1 || u.Groups[0] != "system:masters" {
					t.Fatalf("user %+v", u)
				}
				return
			}
			if err == nil || !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(tc.wantErr)) {
				t.Fatalf("want an error containing %q, got %v", tc.wantErr, err)
			}
		})
	}
}
