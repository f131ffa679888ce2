// SPDX-License-Identifier: MPL-2.0

package gateway

// Tags on placement groups. EC2 tags a placement group by its ID (pg-...) with CreateTags and
// DeleteTags, and DescribeTags lists them with resource type placement-group (ResourceType enum,
// ec2 2016-11-15 service-2.json; "Tag your Amazon EC2 resources", EC2 User Guide). moto knows no
// placement groups, so the gateway serves the pg- IDs of these calls itself and forwards the other
// resources to moto: one call can tag a security group, a launch template and a placement group.

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

const pgIDPrefix = "pg-"

// splitResources separates the placement group IDs of a tagging call from the other resources.
func splitResources(params url.Values) (pgs, others []string) {
	for _, id := range QueryList(params, "ResourceId", "") {
		if strings.HasPrefix(id, pgIDPrefix) {
			pgs = append(pgs, id)
		} else {
			others = append(others, id)
		}
	}
	return pgs, others
}

// groupsByID returns the placement groups with these IDs; the first unknown ID is an InvalidID error
// ("The specified ID for the resource you are trying to tag is not valid", EC2 API reference, Error
// codes). The caller holds s.mu.
func (s *placementGroupService) groupsByID(region string, ids []string) ([]*placementGroup, error) {
	var out []*placementGroup
	for _, id := range ids {
		var found *placementGroup
		for _, pg := range s.groups {
			if pg.Region == region && pg.ID == id {
				found = pg
			}
		}
		if found == nil {
			return nil, ec2Err("InvalidID", "The ID '%s' is not valid", id)
		}
		out = append(out, found)
	}
	return out, nil
}

// tagParams reads Tag.N.Key / Tag.N.Value.
func tagParams(params url.Values) ([]fsTag, error) {
	var tags []fsTag
	for _, i := range QueryIndexes(params, "Tag") {
		k := params.Get(fmt.Sprintf("Tag.%d.Key", i))
		if k == "" {
			return nil, ec2Err("InvalidParameterValue", "Tag keys must not be empty.")
		}
		tags = append(tags, fsTag{Key: k, Value: params.Get(fmt.Sprintf("Tag.%d.Value", i))})
	}
	return tags, nil
}

// retag serves CreateTags and DeleteTags: the placement groups here, the rest by moto.
func (s *placementGroupService) retag(w http.ResponseWriter, r *http.Request, op, region string, body []byte) error {
	params := QueryParams(r, body)
	pgIDs, others := splitResources(params)
	tags, err := tagParams(params)
	if err != nil {
		return err
	}
	if op == "CreateTags" {
		for _, t := range tags {
			if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
				return ec2Err("InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use")
			}
		}
	}
	if err := dryRun(params); err != nil {
		return err
	}
	s.mu.Lock()
	groups, err := s.groupsByID(region, pgIDs)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	if len(others) > 0 {
		// moto first: when it refuses, nothing has changed here either.
		rest := url.Values{}
		for k, v := range params {
			if !strings.HasPrefix(k, "ResourceId.") {
				rest[k] = v
			}
		}
		for i, id := range others {
			rest.Set(fmt.Sprintf("ResourceId.%d", i+1), id)
		}
		ans := s.forward(r, []byte(rest.Encode()))
		if ans.status != http.StatusOK || len(groups) == 0 {
			ans.writeTo(w)
			return nil
		}
	}
	s.mu.Lock()
	for _, pg := range groups {
		if op == "CreateTags" {
			pg.Tags = mergeTags(pg.Tags, tags)
		} else {
			pg.Tags = removeTags(pg.Tags, tags)
		}
	}
	s.mu.Unlock()
	WriteEC2Response(w, struct {
		XMLName   xml.Name
		Xmlns     string `xml:"xmlns,attr"`
		RequestID string `xml:"requestId"`
		Return    bool   `xml:"return"`
	}{XMLName: xml.Name{Local: op + "Response"}, Xmlns: EC2Namespace, RequestID: NewRequestID(), Return: true})
	return nil
}

// removeTags drops the keys of del; a key given with a value is dropped only when the value matches
// (DeleteTags, Tags member).
func removeTags(cur, del []fsTag) []fsTag {
	var out []fsTag
	for _, t := range cur {
		drop := false
		for _, d := range del {
			drop = drop || (d.Key == t.Key && (d.Value == "" || d.Value == t.Value))
		}
		if !drop {
			out = append(out, t)
		}
	}
	return out
}

type tagDescriptionXML struct {
	ResourceID   string `xml:"resourceId"`
	ResourceType string `xml:"resourceType"`
	Key          string `xml:"key"`
	Value        string `xml:"value"`
}

// describeTags answers moto's tags plus the placement groups' that match the filters (on the last
// page of moto's answer).
func (s *placementGroupService) describeTags(w http.ResponseWriter, r *http.Request, region string, body []byte) error {
	params := QueryParams(r, body)
	ans := s.forward(r, body)
	if ans.status != http.StatusOK {
		ans.writeTo(w)
		return nil
	}
	var out struct {
		Tags      []tagDescriptionXML `xml:"tagSet>item"`
		NextToken string              `xml:"nextToken"`
	}
	if err := xml.Unmarshal(ans.body.Bytes(), &out); err != nil {
		ans.writeTo(w)
		return nil
	}
	if out.NextToken == "" {
		out.Tags = append(out.Tags, s.matchingTags(region, params)...)
	}
	WriteEC2Response(w, struct {
		XMLName   xml.Name            `xml:"DescribeTagsResponse"`
		Xmlns     string              `xml:"xmlns,attr"`
		RequestID string              `xml:"requestId"`
		Tags      []tagDescriptionXML `xml:"tagSet>item"`
		NextToken string              `xml:"nextToken,omitempty"`
	}{Xmlns: EC2Namespace, RequestID: NewRequestID(), Tags: out.Tags, NextToken: out.NextToken})
	return nil
}

// matchingTags lists the placement groups' tags that pass DescribeTags' filters (key, value,
// resource-id, resource-type, tag:KEY).
func (s *placementGroupService) matchingTags(region string, params url.Values) []tagDescriptionXML {
	type filter struct {
		name   string
		values []string
	}
	var filters []filter
	for _, i := range QueryIndexes(params, "Filter") {
		prefix := fmt.Sprintf("Filter.%d", i)
		filters = append(filters, filter{params.Get(prefix + ".Name"), QueryList(params, prefix+".Value", "")})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []tagDescriptionXML
	for _, pg := range s.groups {
		if pg.Region != region {
			continue
		}
		for _, t := range pg.Tags {
			keep := true
			for _, f := range filters {
				switch {
				case f.name == "key":
					keep = keep && oneOf(t.Key, f.values...)
				case f.name == "value":
					keep = keep && oneOf(t.Value, f.values...)
				case f.name == "resource-id":
					keep = keep && oneOf(pg.ID, f.values...)
				case f.name == "resource-type":
					keep = keep && oneOf("placement-group", f.values...)
				case strings.HasPrefix(f.name, "tag:"):
					keep = keep && t.Key == strings.TrimPrefix(f.name, "tag:") && oneOf(t.Value, f.values...)
				}
			}
			if keep {
				out = append(out, tagDescriptionXML{ResourceID: pg.ID, ResourceType: "placement-group", Key: t.Key, Value: t.Value})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ResourceID != out[j].ResourceID {
			return out[i].ResourceID < out[j].ResourceID
		}
		return out[i].Key < out[j].Key
	})
	return out
}
