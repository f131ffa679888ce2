// SPDX-License-Identifier: MPL-2.0

package pcluster

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// ConfigStore keeps cluster configurations where ParallelCluster keeps them, in its S3 bucket
// (parallelcluster-<hash>-v1-do-not-delete, key parallelcluster/<version>/clusters/<name>/configs/
// cluster-config.yaml; constants.py PCLUSTER_S3_ARTIFACTS_DICT), and hands out presigned URLs to
// them, as DescribeCluster's clusterConfiguration.url does.
type ConfigStore struct {
	put     *s3.Client // writes (moto, directly)
	presign *s3.PresignClient
	bucket  string

	mu      sync.Mutex
	created bool
	stored  map[string]string // cluster -> sha256 of the stored configuration
}

// NewConfigStore stores configurations through put and presigns their URLs with presign (whose
// endpoint is the one clients reach, the gateway).
func NewConfigStore(put *s3.Client, presign *s3.PresignClient, bucket string) *ConfigStore {
	return &ConfigStore{put: put, presign: presign, bucket: bucket, stored: map[string]string{}}
}

// URL stores the configuration when it changed and returns a presigned URL to it ("" on failure).
func (s *ConfigStore) URL(ctx context.Context, cluster, config string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := fmt.Sprintf("parallelcluster/%s/clusters/%s/configs/cluster-config.yaml", Version, cluster)
	sum := sha256.Sum256([]byte(config))
	h := hex.EncodeToString(sum[:])
	if s.stored[cluster] != h {
		if !s.created {
			if _, err := s.put.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(s.bucket)}); err != nil {
				return ""
			}
			s.created = true
		}
		if _, err := s.put.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key), Body: bytes.NewReader([]byte(config))}); err != nil {
			return ""
		}
		s.stored[cluster] = h
	}
	req, err := s.presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)}, s3.WithPresignExpires(time.Hour))
	if err != nil {
		return ""
	}
	return req.URL
}
