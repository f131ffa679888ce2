// SPDX-License-Identifier: MPL-2.0

package gateway

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eks"
)

// DescribeCluster of an attached cluster reports the attached control plane; any other cluster, and
// every other field, is moto's answer unchanged.
func TestEKSDescribeClusterAttached(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/clusters/")
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"cluster":{"name":"`+name+`","arn":"arn:aws:eks:us-east-1:123456789012:cluster/`+name+
			`","status":"ACTIVE","endpoint":"https://moto.eks.amazonaws.com","certificateAuthority":{"data":"bW90bw=="}}}`)
	}))
	defer upstream.Close()
	g, err := New(Config{MotoURL: upstream.URL})
	if err != nil {
		t.Fatal(err)
	}
	url, err := g.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	g.AttachEKSCluster("ray", EKSControlPlane{Endpoint: "https://127.0.0.1:6443", CAPEM: []byte("-----BEGIN CERTIFICATE-----\n")})
	c := eks.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "")})
	out, err := c.DescribeCluster(context.Background(), &eks.DescribeClusterInput{Name: aws.String("ray")})
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := base64.StdEncoding.DecodeString(aws.ToString(out.Cluster.CertificateAuthority.Data))
	if aws.ToString(out.Cluster.Endpoint) != "https://127.0.0.1:6443" || string(ca) != "-----BEGIN CERTIFICATE-----\n" ||
		out.Cluster.Status != "ACTIVE" || !strings.HasSuffix(aws.ToString(out.Cluster.Arn), "cluster/ray") {
		t.Fatalf("attached cluster: %+v", out.Cluster)
	}
	other, err := c.DescribeCluster(context.Background(), &eks.DescribeClusterInput{Name: aws.String("other")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(other.Cluster.Endpoint) != "https://moto.eks.amazonaws.com" {
		t.Fatalf("a cluster not attached was rewritten: %s", aws.ToString(other.Cluster.Endpoint))
	}
}
