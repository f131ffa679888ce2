// SPDX-License-Identifier: MPL-2.0

package sandbox

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/sandbox/pcluster"
)

// ParallelClusterStage is the API Gateway stage the emulator's endpoint carries, as the invoke URL of
// a ParallelCluster API stack does (https://<id>.execute-api.<region>.amazonaws.com/prod).
const ParallelClusterStage = "/prod"

// startParallelCluster registers the ParallelCluster API emulator with the gateway. Its own EC2 and S3
// calls (head nodes, stored configurations) go to moto directly, so the gateway's call log holds only
// what clients called.
func (sb *Sandbox) startParallelCluster(t pcluster.Timings, logf func(string, ...any)) {
	moto := sb.AWSConfig()
	moto.BaseEndpoint = aws.String(sb.motoURL)
	s3Moto := s3.NewFromConfig(moto, func(o *s3.Options) { o.UsePathStyle = true })
	s3Gateway := s3.NewFromConfig(sb.AWSConfig(), func(o *s3.Options) { o.UsePathStyle = true })
	store := pcluster.NewConfigStore(s3Moto, s3.NewPresignClient(s3Gateway), "parallelcluster-sandbox0000-v1-do-not-delete")
	sb.pc = pcluster.New(pcluster.Config{
		Region:         Region,
		Timings:        t,
		EC2Client:      ec2.NewFromConfig(moto),
		FileSystem:     sb.gw.FileSystem,
		PlacementGroup: sb.gw.PlacementGroup,
		Keys:           sb.gw.Keys,
		ConfigURL:      store.URL,
		Logf:           logf,
	})
	sb.gw.Register(sb.pc)
}

// ParallelCluster is the ParallelCluster API emulator (call log, failure injection).
func (sb *Sandbox) ParallelCluster() *pcluster.Emulator { return sb.pc }

// ParallelClusterURL is the ParallelCluster API endpoint (AWS_ENDPOINT_URL_PARALLELCLUSTER).
func (sb *Sandbox) ParallelClusterURL() string { return sb.url + ParallelClusterStage }
