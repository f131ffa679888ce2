// SPDX-License-Identifier: MPL-2.0

package workflow

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

// S3API is the part of *s3.Client the manifest functions use (a *s3.Client satisfies it).
type S3API interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	HeadObject(ctx context.Context, in *s3.HeadObjectInput, optFns ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	DeleteObject(ctx context.Context, in *s3.DeleteObjectInput, optFns ...func(*s3.Options)) (*s3.DeleteObjectOutput, error)
}

// maxManifestBytes bounds what Read loads: a manifest is a few KB per hundred stages.
const maxManifestBytes = 16 << 20

// manifestObject is a manifest as stored in S3.
type manifestObject struct {
	Body      []byte
	ETag      string // without quotes
	VersionID string // "" when the bucket is not versioned
}

func s3URI(bucket, key string) string { return "s3://" + bucket + "/" + key }

func isS3NotFound(err error) bool {
	var nsk *s3types.NoSuchKey
	var nf *s3types.NotFound
	if errors.As(err, &nsk) || errors.As(err, &nf) {
		return true
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "NoSuchKey", "NotFound", "404":
			return true
		}
	}
	return false
}

// FindManifest reads the manifest object, or returns a wait.NotFoundError when it does not exist. A
// missing bucket is an error, not "not found": the bucket is not this resource's to recreate.
func FindManifest(ctx context.Context, conn S3API, bucket, key string) (*manifestObject, error) {
	out, err := conn.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if isS3NotFound(err) {
		return nil, wait.NewNotFound(fmt.Sprintf("workflow placement manifest (%s)", s3URI(bucket, key)), err)
	}
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	body, err := io.ReadAll(io.LimitReader(out.Body, maxManifestBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", s3URI(bucket, key), err)
	}
	if len(body) > maxManifestBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes: not a placement manifest", s3URI(bucket, key), maxManifestBytes)
	}
	return &manifestObject{Body: body, ETag: strings.Trim(aws.ToString(out.ETag), `"`), VersionID: aws.ToString(out.VersionId)}, nil
}

// putManifest writes the manifest, tagged with tags (the provider's default_tags), and returns its ETag
// and version ID.
func putManifest(ctx context.Context, conn S3API, bucket, key string, body []byte, inputHash string, tags map[string]string) (*manifestObject, error) {
	in := &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body),
		ContentType: aws.String("application/json"), ContentLength: aws.Int64(int64(len(body))),
	}
	if inputHash != "" {
		in.Metadata = map[string]string{"rayhpc-input-hash": inputHash}
	}
	if len(tags) > 0 {
		q := url.Values{}
		for k, v := range tags {
			q.Set(k, v)
		}
		in.Tagging = aws.String(q.Encode())
	}
	out, err := conn.PutObject(ctx, in)
	if err != nil {
		return nil, err
	}
	return &manifestObject{Body: body, ETag: strings.Trim(aws.ToString(out.ETag), `"`), VersionID: aws.ToString(out.VersionId)}, nil
}

// deleteManifest deletes the manifest (its current version: in a versioned bucket the history stays)
// and waits until it is gone. A manifest already gone is success.
func deleteManifest(ctx context.Context, conn S3API, bucket, key string, timeout time.Duration) error {
	_, err := conn.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil && !isS3NotFound(err) {
		return err
	}
	_, err = wait.Waiter[*s3.HeadObjectOutput]{
		Refresh: func(ctx context.Context) (*s3.HeadObjectOutput, string, error) {
			out, err := conn.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
			if isS3NotFound(err) {
				return nil, "", wait.NewNotFound(s3URI(bucket, key), err)
			}
			if err != nil {
				return nil, "", err
			}
			return out, "exists", nil
		},
		Pending:     []string{"exists"},
		TargetGone:  true,
		Timeout:     timeout,
		MinInterval: 200 * time.Millisecond,
		MaxInterval: 5 * time.Second,
	}.Wait(ctx)
	return err
}
