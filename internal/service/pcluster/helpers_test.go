// SPDX-License-Identifier: MPL-2.0

package pcluster_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/acctest"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/pcluster/api"
	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox"
)

var (
	regexpInstance = regexp.MustCompile(`^i-[0-9a-f]+$`)
	regexpStack    = regexp.MustCompile(`^arn:aws:cloudformation:us-east-1:\d{12}:stack/tf-acc-test-\d+/`)
	regexpSSH      = regexp.MustCompile(`^ssh ec2-user@\d+\.\d+\.\d+\.\d+$`)
)

// apiClient is a ParallelCluster API client on the sandbox's emulator (for checks).
func apiClient(t *testing.T) api.ClientWithResponsesInterface {
	t.Helper()
	sb := acctest.Sandbox(t)
	c, err := api.NewSignedClient(sb.ParallelClusterURL(), &api.SigningDoer{Credentials: sb.AWSConfig().Credentials, Region: sandbox.Region})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func describe(t *testing.T, name string) (*api.DescribeClusterResponse, error) {
	t.Helper()
	return apiClient(t).DescribeClusterWithResponse(context.Background(), name, nil)
}

// testAccCheckHeadNodeInMoto checks that the head node instance of the state is a running moto
// instance with the state's private IP.
func testAccCheckHeadNodeInMoto(t *testing.T, n string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[n]
		if !ok {
			return fmt.Errorf("%s not in state", n)
		}
		id := rs.Primary.Attributes["head_node_instance_id"]
		out, err := ec2.NewFromConfig(acctest.Sandbox(t).AWSConfig()).DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
		if err != nil {
			return fmt.Errorf("head node %s: %w", id, err)
		}
		if len(out.Reservations) != 1 || len(out.Reservations[0].Instances) != 1 {
			return fmt.Errorf("head node %s: not one instance", id)
		}
		i := out.Reservations[0].Instances[0]
		if got := *i.PrivateIpAddress; got != rs.Primary.Attributes["head_node_private_ip"] {
			return fmt.Errorf("head node private IP %s in state, %s in EC2", rs.Primary.Attributes["head_node_private_ip"], got)
		}
		if i.State == nil || i.State.Name != "running" {
			return fmt.Errorf("head node %s is not running: %v", id, i.State)
		}
		return nil
	}
}

// testAccCheckConfigMentions checks the rendered configuration.
func testAccCheckConfigMentions(n string, want ...string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		doc := s.RootModule().Resources[n].Primary.Attributes["cluster_configuration"]
		for _, w := range want {
			if !strings.Contains(doc, w) {
				return fmt.Errorf("cluster_configuration does not contain %q:\n%s", w, doc)
			}
		}
		return nil
	}
}

func regexpMust(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// since holds, per cluster name, when resetCalls was last called: calls() reports only later calls, so
// tests running in parallel (each with its own cluster) never reset each other's log.
var since sync.Map

func resetCalls(t *testing.T, name string) {
	t.Helper()
	since.Store(name, time.Now())
}
