// SPDX-License-Identifier: MPL-2.0

package conns

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"k8s.io/client-go/rest"
)

// KubeTarget names the Kubernetes cluster a resource talks to: an EKS cluster by name (endpoint and CA
// from EKS DescribeCluster, tokens minted from the provider's AWS credentials), or a cluster given
// directly by host, CA certificate and bearer token.
type KubeTarget struct {
	EKSClusterName string
	Host           string
	CACertPEM      string
	Token          string
}

// Key identifies the target (for caching clients).
func (t KubeTarget) Key() string {
	if t.EKSClusterName != "" {
		return "eks:" + t.EKSClusterName
	}
	return "host:" + t.Host + "\x00" + t.CACertPEM + "\x00" + t.Token
}

type kubeConfigs struct {
	mu   sync.Mutex
	byID map[string]*rest.Config
}

// EKS token constants, as `aws eks get-token` and aws-iam-authenticator use them
// (https://github.com/kubernetes-sigs/aws-iam-authenticator, pkg/token): the token is "k8s-aws-v1."
// followed by the unpadded base64url encoding of a presigned STS GetCallerIdentity URL that signs the
// x-k8s-aws-id header (the cluster name). X-Amz-Expires is 60 for compatibility; EKS accepts the
// token for 15 minutes after X-Amz-Date, and clients refresh it a minute before that.
const (
	EKSTokenPrefix       = "k8s-aws-v1."
	EKSClusterIDHeader   = "x-k8s-aws-id"
	eksTokenPresignSecs  = "60"
	EKSTokenLifetime     = 15 * time.Minute
	eksTokenRefreshAhead = time.Minute
)

// KubeConfig returns the client configuration for a target, built on first use (so a cluster created
// earlier in the same apply is found) and cached per target. EKS tokens are minted lazily and re-minted
// before they expire, so waits longer than a token's life keep working.
func (c *Client) KubeConfig(ctx context.Context, t KubeTarget) (*rest.Config, error) {
	c.kube.mu.Lock()
	defer c.kube.mu.Unlock()
	if cfg, ok := c.kube.byID[t.Key()]; ok {
		return rest.CopyConfig(cfg), nil
	}
	var cfg *rest.Config
	switch {
	case t.EKSClusterName != "":
		out, err := c.EKS().DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(t.EKSClusterName)})
		if err != nil {
			return nil, fmt.Errorf("describing EKS cluster %s: %w", t.EKSClusterName, err)
		}
		cl := out.Cluster
		if cl == nil || aws.ToString(cl.Endpoint) == "" || cl.CertificateAuthority == nil {
			status := "unknown"
			if cl != nil {
				status = string(cl.Status)
			}
			return nil, fmt.Errorf("EKS cluster %s has no API endpoint yet (status %s)", t.EKSClusterName, status)
		}
		ca, err := base64.StdEncoding.DecodeString(aws.ToString(cl.CertificateAuthority.Data))
		if err != nil {
			return nil, fmt.Errorf("EKS cluster %s: certificate authority data: %w", t.EKSClusterName, err)
		}
		src := &eksTokenSource{c: c, cluster: t.EKSClusterName, now: time.Now}
		cfg = &rest.Config{Host: aws.ToString(cl.Endpoint), TLSClientConfig: rest.TLSClientConfig{CAData: ca}}
		cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return &bearerRoundTripper{next: rt, src: src} })
	case t.Host != "":
		cfg = &rest.Config{Host: t.Host, BearerToken: t.Token, TLSClientConfig: rest.TLSClientConfig{CAData: []byte(t.CACertPEM)}}
	default:
		return nil, errors.New("no Kubernetes cluster given: set eks_cluster_name or the kubernetes block")
	}
	maxAttempts := c.maxRetries
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return newRetryRoundTripper(rt, maxAttempts) })
	cfg.QPS, cfg.Burst = 20, 40
	cfg.UserAgent = "terraform-provider-rayhpc"
	if c.kube.byID == nil {
		c.kube.byID = map[string]*rest.Config{}
	}
	c.kube.byID[t.Key()] = cfg
	return rest.CopyConfig(cfg), nil
}

// EKSToken mints a token for an EKS cluster from the provider's credentials, as `aws eks get-token`
// does, signed at now, and returns it with the time it should be replaced.
func (c *Client) EKSToken(ctx context.Context, cluster string, now time.Time) (string, time.Time, error) {
	presigner := sts.NewPresignClient(c.STS())
	req, err := presigner.PresignGetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}, func(o *sts.PresignOptions) {
		o.Presigner = signAt{signer: v4.NewSigner(), at: now}
		o.ClientOptions = append(o.ClientOptions, func(so *sts.Options) {
			so.APIOptions = append(so.APIOptions,
				smithyhttp.AddHeaderValue(EKSClusterIDHeader, cluster),
				// Hoisted into the query string by the presigner (X-Amz-* headers are).
				smithyhttp.AddHeaderValue("X-Amz-Expires", eksTokenPresignSecs))
		})
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("minting an EKS token for %s (presigning STS GetCallerIdentity): %w", cluster, err)
	}
	token := EKSTokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(req.URL))
	return token, now.Add(EKSTokenLifetime - eksTokenRefreshAhead), nil
}

// signAt presigns with the signing time given to EKSToken (the SDK's presigner would take the clock's).
type signAt struct {
	signer *v4.Signer
	at     time.Time
}

func (s signAt) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string,
	_ time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	return s.signer.PresignHTTP(ctx, creds, r, payloadHash, service, region, s.at, optFns...)
}

type eksTokenSource struct {
	c       *Client
	cluster string
	now     func() time.Time

	mu      sync.Mutex
	token   string
	refresh time.Time
}

func (s *eksTokenSource) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" && s.now().Before(s.refresh) {
		return s.token, nil
	}
	tok, refresh, err := s.c.EKSToken(ctx, s.cluster, s.now())
	if err != nil {
		return "", err
	}
	s.token, s.refresh = tok, refresh
	return tok, nil
}

type bearerRoundTripper struct {
	next http.RoundTripper
	src  *eksTokenSource
}

func (b *bearerRoundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	tok, err := b.src.Token(r.Context())
	if err != nil {
		return nil, err
	}
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+tok)
	return b.next.RoundTrip(r)
}
