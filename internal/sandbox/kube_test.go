// SPDX-License-Identifier: MPL-2.0

package sandbox_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	authnv1 "k8s.io/api/authentication/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/conns"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox"
)

// TestKubernetesEKS starts the sandbox with its Kubernetes stack and checks EKS as the provider meets
// it: DescribeCluster reports the real apiserver and CA for the sandbox's cluster only, and the
// apiserver takes EKS tokens minted from the sandbox credentials for that cluster and refuses tokens
// for another cluster, signed with a wrong secret, or expired.
func TestKubernetesEKS(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
	defer cancel()
	sb, err := sandbox.Start(ctx, sandbox.Options{Seed: true, Kubernetes: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Stop() //nolint:errcheck
	cfg := sb.AWSConfig()
	ec := eks.NewFromConfig(cfg)
	out, err := ec.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(sandbox.EKSClusterName)})
	if err != nil {
		t.Fatal(err)
	}
	st := sb.Kube()
	if got := aws.ToString(out.Cluster.Endpoint); got != st.Host {
		t.Fatalf("DescribeCluster endpoint %q, want the apiserver %q", got, st.Host)
	}
	ca, _ := base64.StdEncoding.DecodeString(aws.ToString(out.Cluster.CertificateAuthority.Data))
	if string(ca) != string(st.CAPEM) {
		t.Fatal("DescribeCluster certificateAuthority.data is not the apiserver's CA")
	}
	if _, err := ec.CreateCluster(ctx, &eks.CreateClusterInput{Name: aws.String("other"), RoleArn: aws.String("arn:aws:iam::123456789012:role/x"),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: sb.SubnetIDs}}); err != nil {
		t.Fatal(err)
	}
	other, err := ec.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("other")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(other.Cluster.Endpoint) == st.Host {
		t.Fatal("a cluster the sandbox did not attach reports the apiserver")
	}

	c := &conns.Client{AWS: cfg}
	token := func(cluster string) string {
		tok, _, err := c.EKSToken(ctx, cluster, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	expired := presignedToken(t, cfg, sandbox.EKSClusterName, sandbox.SecretAccessKey, time.Now().Add(-16*time.Minute))
	wrongSecret := presignedToken(t, cfg, sandbox.EKSClusterName, "not-the-secret", time.Now())
	for name, tc := range map[string]struct {
		token string
		ok    bool
	}{
		"minted for the cluster":  {token(sandbox.EKSClusterName), true},
		"signed 5 minutes ago":    {presignedToken(t, cfg, sandbox.EKSClusterName, sandbox.SecretAccessKey, time.Now().Add(-5*time.Minute)), true},
		"minted for another":      {token("other"), false},
		"expired":                 {expired, false},
		"wrong secret":            {wrongSecret, false},
		"not an EKS token at all": {"some-random-token", false},
	} {
		t.Run(name, func(t *testing.T) {
			rc := &rest.Config{Host: st.Host, BearerToken: tc.token, TLSClientConfig: rest.TLSClientConfig{CAData: st.CAPEM}}
			cs, err := kubernetes.NewForConfig(rc)
			if err != nil {
				t.Fatal(err)
			}
			res, err := cs.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authnv1.SelfSubjectReview{}, metav1.CreateOptions{})
			switch {
			case tc.ok && err != nil:
				t.Fatal(err)
			case tc.ok && res.Status.UserInfo.Username != "kubernetes-admin":
				t.Fatalf("user %+v", res.Status.UserInfo)
			case !tc.ok && !apierrors.IsUnauthorized(err):
				t.Fatalf("want 401 Unauthorized, got %v", err)
			}
		})
	}
}

// presignedToken signs an EKS token with an explicit signing time and secret (the SDK presigner
// always signs "now" with the configured credentials).
func presignedToken(t *testing.T, cfg aws.Config, cluster, secret string, at time.Time) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, aws.ToString(cfg.BaseEndpoint)+"/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=60", nil)
	req.Header.Set("x-k8s-aws-id", cluster)
	sum := sha256.Sum256(nil)
	u, _, err := v4.NewSigner().PresignHTTP(context.Background(), aws.Credentials{AccessKeyID: sandbox.AccessKeyID, SecretAccessKey: secret},
		req, hex.EncodeToString(sum[:]), "sts", sandbox.Region, at)
	if err != nil {
		t.Fatal(err)
	}
	return conns.EKSTokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(u))
}
