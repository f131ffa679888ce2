// SPDX-License-Identifier: MPL-2.0

package gateway

// Placement groups tied to moto's instances. moto runs the instances but knows nothing of the
// gateway's placement groups, so the gateway looks at RunInstances on its way to moto:
//   - an instance can be launched only into a placement group that exists: RunInstances with
//     Placement.GroupName (or a launch template placing it in a group) naming an unknown group is
//     refused with InvalidPlacementGroup.Unknown (EC2 API reference, Error codes);
//   - the gateway remembers which instances each group holds, and DeletePlacementGroup refuses a
//     group that still holds instances that are not terminated with InvalidPlacementGroup.InUse
//     ("You must terminate all instances in the placement group before you can delete the
//     placement group", DeletePlacementGroup, ec2 2016-11-15 service-2.json).

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// captureWriter buffers an upstream answer so the gateway can read it before passing it on.
type captureWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *captureWriter) Header() http.Header         { return c.header }
func (c *captureWriter) Write(b []byte) (int, error) { return c.body.Write(b) }
func (c *captureWriter) WriteHeader(code int)        { c.status = code }

// forward sends the request on to moto and returns its answer, without writing it to the client.
func (s *placementGroupService) forward(r *http.Request, body []byte) *captureWriter {
	cw := &captureWriter{header: http.Header{}, status: http.StatusOK}
	if s.g.proxy == nil {
		cw.status = http.StatusNotImplemented
		cw.body.WriteString("sandbox gateway: no moto upstream")
		return cw
	}
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(body))
	r2.ContentLength = int64(len(body))
	s.g.proxy.ServeHTTP(cw, r2)
	return cw
}

func (c *captureWriter) writeTo(w http.ResponseWriter) {
	for k, v := range c.header {
		w.Header()[k] = v
	}
	w.WriteHeader(c.status)
	_, _ = w.Write(c.body.Bytes()) //nolint:errcheck // the client went away
}

// runInstances checks the placement group the instances go into, lets moto launch them, and records
// them in the group.
func (s *placementGroupService) runInstances(w http.ResponseWriter, r *http.Request, region string, body []byte) error {
	params := QueryParams(r, body)
	group := params.Get("Placement.GroupName")
	if group == "" && params.Get("Placement.GroupId") != "" {
		id := params.Get("Placement.GroupId")
		if group = s.nameOfID(region, id); group == "" {
			return ec2Err("InvalidPlacementGroup.Unknown", "The Placement Group '%s' is unknown.", id)
		}
	}
	if group == "" {
		group = s.templatePlacementGroup(r.Context(), region, params)
	}
	if group != "" {
		s.mu.Lock()
		known := s.groups[region+"/"+group] != nil
		s.mu.Unlock()
		if !known {
			return ec2Err("InvalidPlacementGroup.Unknown", "The Placement Group '%s' is unknown.", group)
		}
	}
	ans := s.forward(r, body)
	if group != "" && ans.status == http.StatusOK {
		var out struct {
			IDs []string `xml:"instancesSet>item>instanceId"`
		}
		if xml.Unmarshal(ans.body.Bytes(), &out) == nil {
			s.mu.Lock()
			if pg := s.groups[region+"/"+group]; pg != nil {
				pg.Instances = append(pg.Instances, out.IDs...)
			}
			s.mu.Unlock()
		}
	}
	ans.writeTo(w)
	return nil
}

func (s *placementGroupService) nameOfID(region, id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, pg := range s.groups {
		if pg.Region == region && pg.ID == id {
			return pg.Name
		}
	}
	return ""
}

// templatePlacementGroup is the placement group of the launch template version RunInstances names,
// asked of moto ("" when there is none or moto cannot say).
func (s *placementGroupService) templatePlacementGroup(ctx context.Context, region string, params url.Values) string {
	id, name := params.Get("LaunchTemplate.LaunchTemplateId"), params.Get("LaunchTemplate.LaunchTemplateName")
	if id == "" && name == "" {
		return ""
	}
	version := params.Get("LaunchTemplate.Version")
	if version == "" {
		version = "$Default"
	}
	form := url.Values{"Action": {"DescribeLaunchTemplateVersions"}, "Version": {"2016-11-15"}, "LaunchTemplateVersion.1": {version}}
	if id != "" {
		form.Set("LaunchTemplateId", id)
	} else {
		form.Set("LaunchTemplateName", name)
	}
	status, b, err := s.g.motoDo(ctx, http.MethodPost, "/", "ec2", region, form)
	if err != nil || status != http.StatusOK {
		return ""
	}
	var out struct {
		Groups []string `xml:"launchTemplateVersionSet>item>launchTemplateData>placement>groupName"`
	}
	if xml.Unmarshal(b, &out) != nil || len(out.Groups) == 0 {
		return ""
	}
	return out.Groups[0]
}

// liveInstances returns the instances of ids that moto does not report terminated. ok is false when
// moto could not be asked.
func (s *placementGroupService) liveInstances(ctx context.Context, region string, ids []string) (live []string, ok bool) {
	if len(ids) == 0 {
		return nil, true
	}
	form := url.Values{"Action": {"DescribeInstances"}, "Version": {"2016-11-15"}}
	for i, id := range ids {
		form.Set(fmt.Sprintf("InstanceId.%d", i+1), id)
	}
	status, b, err := s.g.motoDo(ctx, http.MethodPost, "/", "ec2", region, form)
	if err != nil {
		return nil, false
	}
	if status != http.StatusOK {
		// Instances moto no longer knows are gone.
		return nil, strings.Contains(string(b), "InvalidInstanceID.NotFound")
	}
	var out struct {
		Instances []struct {
			ID    string `xml:"instanceId"`
			State string `xml:"instanceState>name"`
		} `xml:"reservationSet>item>instancesSet>item"`
	}
	if xml.Unmarshal(b, &out) != nil {
		return nil, false
	}
	for _, in := range out.Instances {
		if in.State != "terminated" {
			live = append(live, in.ID)
		}
	}
	return live, true
}
