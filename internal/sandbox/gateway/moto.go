// SPDX-License-Identifier: MPL-2.0

package gateway

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// motoAuthorization is a syntactically valid SigV4 header: moto routes by the
// credential scope and does not check signatures.
func motoAuthorization(service, region string) string {
	return fmt.Sprintf("AWS4-HMAC-SHA256 Credential=testing/%s/%s/%s/aws4_request, SignedHeaders=host;x-amz-date, Signature=%s",
		time.Now().UTC().Format("20060102"), region, service, strings.Repeat("0", 64))
}

// motoDo sends a request straight to moto (not through the gateway, so it is
// not logged as a client call). It returns errNoMoto when there is no upstream.
func (g *Gateway) motoDo(ctx context.Context, method, path, service, region string, form url.Values) (int, []byte, error) {
	if g.upstream == nil {
		return 0, nil, errNoMoto
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	u := *g.upstream
	u.Path = path
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return 0, nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	req.Header.Set("Authorization", motoAuthorization(service, region))
	req.Header.Set("X-Amz-Date", time.Now().UTC().Format("20060102T150405Z"))
	req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	return resp.StatusCode, b, err
}

var errNoMoto = fmt.Errorf("no moto upstream configured")

type motoSubnet struct {
	SubnetID         string `xml:"subnetId"`
	VpcID            string `xml:"vpcId"`
	AvailabilityZone string `xml:"availabilityZone"`
	CidrBlock        string `xml:"cidrBlock"`
}

// lookupSubnets asks moto for the subnets. found is false when moto
// answered that a subnet does not exist; ok is false when moto could not be
// asked (no upstream, unparseable answer) and callers should not judge.
func (g *Gateway) lookupSubnets(ctx context.Context, region string, ids []string) (subnets []motoSubnet, notFound string, ok bool) {
	form := url.Values{"Action": {"DescribeSubnets"}, "Version": {"2016-11-15"}}
	for i, id := range ids {
		form.Set(fmt.Sprintf("SubnetId.%d", i+1), id)
	}
	status, b, err := g.motoDo(ctx, http.MethodPost, "/", "ec2", region, form)
	if err != nil {
		return nil, "", false
	}
	if status != http.StatusOK {
		var er ec2ErrorResponse
		if xml.Unmarshal(b, &er) == nil && len(er.Errors) > 0 && er.Errors[0].Code == "InvalidSubnetID.NotFound" {
			return nil, er.Errors[0].Message, true
		}
		return nil, "", false
	}
	var out struct {
		Subnets []motoSubnet `xml:"subnetSet>item"`
	}
	if err := xml.Unmarshal(b, &out); err != nil {
		return nil, "", false
	}
	return out.Subnets, "", true
}

// lookupSecurityGroups returns the first security group moto says does not exist.
func (g *Gateway) lookupSecurityGroups(ctx context.Context, region string, ids []string) (missing string, ok bool) {
	if len(ids) == 0 {
		return "", true
	}
	form := url.Values{"Action": {"DescribeSecurityGroups"}, "Version": {"2016-11-15"}}
	for i, id := range ids {
		form.Set(fmt.Sprintf("GroupId.%d", i+1), id)
	}
	status, b, err := g.motoDo(ctx, http.MethodPost, "/", "ec2", region, form)
	if err != nil {
		return "", false
	}
	if status == http.StatusOK {
		var out struct {
			IDs []string `xml:"securityGroupInfo>item>groupId"`
		}
		if xml.Unmarshal(b, &out) != nil {
			return "", false
		}
		have := map[string]bool{}
		for _, id := range out.IDs {
			have[id] = true
		}
		for _, id := range ids {
			if !have[id] {
				return id, true
			}
		}
		return "", true
	}
	var er ec2ErrorResponse
	if xml.Unmarshal(b, &er) == nil && len(er.Errors) > 0 && er.Errors[0].Code == "InvalidGroup.NotFound" {
		for _, id := range ids {
			if strings.Contains(er.Errors[0].Message, id) {
				return id, true
			}
		}
		return ids[0], true
	}
	return "", false
}

// bucketExists asks moto whether an S3 bucket exists. ok is false when moto
// could not be asked.
func (g *Gateway) bucketExists(ctx context.Context, region, bucket string) (exists, ok bool) {
	status, _, err := g.motoDo(ctx, http.MethodHead, "/"+url.PathEscape(bucket), "s3", region, nil)
	if err != nil {
		return false, false
	}
	switch status {
	case http.StatusOK:
		return true, true
	case http.StatusNotFound:
		return false, true
	}
	return false, false
}
