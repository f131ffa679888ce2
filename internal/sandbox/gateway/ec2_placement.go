// SPDX-License-Identifier: MPL-2.0

package gateway

// EC2 placement groups (moto 5.2 does not implement them): CreatePlacementGroup,
// DescribePlacementGroups and DeletePlacementGroup in the EC2 query protocol (instances in a
// group: ec2_placement_instances.go; tags on a group: ec2_placement_tags.go),
// following the EC2 API (ec2 2016-11-15) and "Placement groups" in the EC2 User
// Guide: strategies cluster, spread (SpreadLevel rack|host) and partition
// (PartitionCount 1-7 per Availability Zone); names unique per account and Region,
// up to 255 ASCII characters.

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
)

type placementGroup struct {
	Name           string
	ID             string
	ARN            string
	Region         string
	Strategy       string
	PartitionCount int
	SpreadLevel    string
	Tags           []fsTag
	Instances      []string // launched into the group through RunInstances (ec2_placement_instances.go)
	seq            int
}

type placementGroupService struct {
	g      *Gateway
	mu     sync.Mutex
	groups map[string]*placementGroup // region + "/" + name
	seq    int
}

func newPlacementGroupService(g *Gateway) *placementGroupService {
	return &placementGroupService{g: g, groups: map[string]*placementGroup{}}
}

func (s *placementGroupService) Name() string { return "ec2" }

func (s *placementGroupService) Handles(op string) bool {
	switch op {
	case "CreatePlacementGroup", "DescribePlacementGroups", "DeletePlacementGroup",
		"RunInstances", "CreateTags", "DeleteTags", "DescribeTags":
		return true
	}
	return false
}

type ec2Tag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

type placementGroupXML struct {
	GroupName      string   `xml:"groupName"`
	State          string   `xml:"state"`
	Strategy       string   `xml:"strategy"`
	PartitionCount *int     `xml:"partitionCount,omitempty"`
	GroupID        string   `xml:"groupId"`
	GroupArn       string   `xml:"groupArn"`
	SpreadLevel    string   `xml:"spreadLevel,omitempty"`
	Tags           []ec2Tag `xml:"tagSet>item"`
}

func (pg *placementGroup) xml() placementGroupXML {
	out := placementGroupXML{
		GroupName: pg.Name, State: "available", Strategy: pg.Strategy,
		GroupID: pg.ID, GroupArn: pg.ARN, SpreadLevel: pg.SpreadLevel,
	}
	if pg.Strategy == "partition" {
		n := pg.PartitionCount
		out.PartitionCount = &n
	}
	for _, t := range pg.Tags {
		out.Tags = append(out.Tags, ec2Tag(t))
	}
	return out
}

func (s *placementGroupService) Serve(w http.ResponseWriter, r *http.Request, op string, body []byte) {
	region := RequestRegion(r)
	if region == "" {
		region = s.g.cfg.Region
	}
	params := QueryParams(r, body)
	var err error
	switch op {
	case "CreatePlacementGroup":
		err = s.create(w, region, params)
	case "DescribePlacementGroups":
		err = s.describe(w, region, params)
	case "DeletePlacementGroup":
		err = s.delete(w, r, region, params)
	case "RunInstances":
		err = s.runInstances(w, r, region, body)
	case "CreateTags", "DeleteTags":
		err = s.retag(w, r, op, region, body)
	case "DescribeTags":
		err = s.describeTags(w, r, region, body)
	}
	if err != nil {
		WriteEC2APIError(w, err)
	}
}

func ec2Err(code, format string, args ...any) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: code, Message: fmt.Sprintf(format, args...)}
}

func dryRun(params url.Values) error {
	if strings.EqualFold(params.Get("DryRun"), "true") {
		return ec2Err("DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
	}
	return nil
}

func (s *placementGroupService) create(w http.ResponseWriter, region string, params url.Values) error {
	name := params.Get("GroupName")
	if name == "" {
		return ec2Err("MissingParameter", "The request must contain the parameter groupName")
	}
	if len(name) > 255 {
		return ec2Err("InvalidParameterValue", "Value (%s) for parameter groupName is invalid. Length exceeds maximum of 255 characters.", name)
	}
	for _, c := range name {
		if c > 127 {
			return ec2Err("InvalidParameterValue", "Value (%s) for parameter groupName is invalid. Only ASCII characters are allowed.", name)
		}
	}
	strategy := params.Get("Strategy")
	if !oneOf(strategy, "cluster", "spread", "partition") {
		return ec2Err("InvalidParameterValue", "Value (%s) for parameter strategy is invalid. Valid values are cluster, spread, partition.", strategy)
	}
	pg := &placementGroup{Name: name, Region: region, Strategy: strategy}
	if v := params.Get("PartitionCount"); v != "" {
		if strategy != "partition" {
			return ec2Err("InvalidParameterCombination", "The parameter partitionCount is only valid for the partition strategy.")
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 7 {
			return ec2Err("InvalidParameterValue", "Value (%s) for parameter partitionCount is invalid. It must be between 1 and 7.", v)
		}
		pg.PartitionCount = n
	} else if strategy == "partition" {
		pg.PartitionCount = 2
	}
	if v := params.Get("SpreadLevel"); v != "" {
		if strategy != "spread" {
			return ec2Err("InvalidParameterCombination", "The parameter spreadLevel is only valid for the spread strategy.")
		}
		if !oneOf(v, "host", "rack") {
			return ec2Err("InvalidParameterValue", "Value (%s) for parameter spreadLevel is invalid. Valid values are host, rack.", v)
		}
		pg.SpreadLevel = v
	} else if strategy == "spread" {
		pg.SpreadLevel = "rack"
	}
	tags, err := placementGroupTags(params)
	if err != nil {
		return err
	}
	pg.Tags = tags
	if err := dryRun(params); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := region + "/" + name
	if s.groups[key] != nil {
		return ec2Err("InvalidPlacementGroup.Duplicate", "The placement group '%s' already exists.", name)
	}
	s.seq++
	pg.seq = s.seq
	pg.ID = "pg-" + s.g.rnd.hex(17)
	pg.ARN = fmt.Sprintf("arn:aws:ec2:%s:%s:placement-group/%s", region, s.g.cfg.AccountID, name)
	s.groups[key] = pg
	WriteEC2Response(w, struct {
		XMLName        xml.Name          `xml:"CreatePlacementGroupResponse"`
		Xmlns          string            `xml:"xmlns,attr"`
		RequestID      string            `xml:"requestId"`
		Return         bool              `xml:"return"`
		PlacementGroup placementGroupXML `xml:"placementGroup"`
	}{Xmlns: EC2Namespace, RequestID: NewRequestID(), Return: true, PlacementGroup: pg.xml()})
	return nil
}

// placementGroupTags reads a CreatePlacementGroup request's TagSpecification.N (placement-group only;
// keys non-empty and not starting with aws:).
func placementGroupTags(params url.Values) ([]fsTag, error) {
	var tags []fsTag
	for _, i := range QueryIndexes(params, "TagSpecification") {
		prefix := fmt.Sprintf("TagSpecification.%d", i)
		if rt := params.Get(prefix + ".ResourceType"); rt != "" && rt != "placement-group" {
			return nil, ec2Err("InvalidParameterValue", "'%s' is not a valid taggable resource type for this operation.", rt)
		}
		for _, j := range QueryIndexes(params, prefix+".Tag") {
			k := params.Get(fmt.Sprintf("%s.Tag.%d.Key", prefix, j))
			v := params.Get(fmt.Sprintf("%s.Tag.%d.Value", prefix, j))
			if k == "" {
				return nil, ec2Err("InvalidParameterValue", "Tag keys must not be empty.")
			}
			if strings.HasPrefix(strings.ToLower(k), "aws:") {
				return nil, ec2Err("InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use")
			}
			tags = mergeTags(tags, []fsTag{{Key: k, Value: v}})
		}
	}
	return tags, nil
}

// pgFilter is one Filter.N of a DescribePlacementGroups request.
type pgFilter struct {
	name   string
	values []string
}

// matches reports whether pg passes every filter (EC2 API model, DescribePlacementGroups Filters:
// group-name, group-arn, state, strategy, spread-level, tag-key, tag:<key>); another name is an error.
func (pg *placementGroup) matches(filters []pgFilter) (bool, error) {
	keep := true
	for _, f := range filters {
		switch {
		case f.name == "group-name":
			keep = keep && oneOf(pg.Name, f.values...)
		case f.name == "group-arn":
			keep = keep && oneOf(pg.ARN, f.values...)
		case f.name == "state":
			keep = keep && oneOf("available", f.values...)
		case f.name == "strategy":
			keep = keep && oneOf(pg.Strategy, f.values...)
		case f.name == "spread-level":
			keep = keep && oneOf(pg.SpreadLevel, f.values...)
		case f.name == "tag-key":
			has := false
			for _, t := range pg.Tags {
				has = has || oneOf(t.Key, f.values...)
			}
			keep = keep && has
		case strings.HasPrefix(f.name, "tag:"):
			k := strings.TrimPrefix(f.name, "tag:")
			has := false
			for _, t := range pg.Tags {
				has = has || (t.Key == k && oneOf(t.Value, f.values...))
			}
			keep = keep && has
		default:
			return false, ec2Err("InvalidParameterValue", "The filter '%s' is invalid", f.name)
		}
	}
	return keep, nil
}

func (s *placementGroupService) describe(w http.ResponseWriter, region string, params url.Values) error {
	names := QueryList(params, "GroupName", "")
	ids := QueryList(params, "GroupId", "")
	var filters []pgFilter
	for _, i := range QueryIndexes(params, "Filter") {
		prefix := fmt.Sprintf("Filter.%d", i)
		filters = append(filters, pgFilter{params.Get(prefix + ".Name"), QueryList(params, prefix+".Value", "")})
	}
	if err := dryRun(params); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []*placementGroup
	for _, pg := range s.groups {
		if pg.Region == region {
			all = append(all, pg)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].seq < all[j].seq })
	for _, n := range names {
		if s.groups[region+"/"+n] == nil {
			return ec2Err("InvalidPlacementGroup.Unknown", "The Placement Group '%s' is unknown.", n)
		}
	}
	for _, id := range ids {
		found := false
		for _, pg := range all {
			found = found || pg.ID == id
		}
		if !found {
			if !strings.HasPrefix(id, "pg-") {
				return ec2Err("InvalidPlacementGroupId.Malformed", "Invalid id: \"%s\" (expecting \"pg-...\")", id)
			}
			return ec2Err("InvalidPlacementGroup.Unknown", "The Placement Group '%s' is unknown.", id)
		}
	}
	var out []placementGroupXML
	for _, pg := range all {
		if len(names) > 0 && !oneOf(pg.Name, names...) {
			continue
		}
		if len(ids) > 0 && !oneOf(pg.ID, ids...) {
			continue
		}
		keep, err := pg.matches(filters)
		if err != nil {
			return err
		}
		if keep {
			out = append(out, pg.xml())
		}
	}
	WriteEC2Response(w, struct {
		XMLName   xml.Name            `xml:"DescribePlacementGroupsResponse"`
		Xmlns     string              `xml:"xmlns,attr"`
		RequestID string              `xml:"requestId"`
		Groups    []placementGroupXML `xml:"placementGroupSet>item"`
	}{Xmlns: EC2Namespace, RequestID: NewRequestID(), Groups: out})
	return nil
}

func (s *placementGroupService) delete(w http.ResponseWriter, r *http.Request, region string, params url.Values) error {
	name := params.Get("GroupName")
	if name == "" {
		return ec2Err("MissingParameter", "The request must contain the parameter groupName")
	}
	if err := dryRun(params); err != nil {
		return err
	}
	key := region + "/" + name
	s.mu.Lock()
	pg := s.groups[key]
	var instances []string
	if pg != nil {
		instances = append(instances, pg.Instances...)
	}
	s.mu.Unlock()
	if pg == nil {
		return ec2Err("InvalidPlacementGroup.Unknown", "The Placement Group '%s' is unknown.", name)
	}
	// A group that holds instances which are not terminated cannot be deleted.
	if live, ok := s.liveInstances(r.Context(), region, instances); ok && len(live) > 0 {
		return ec2Err("InvalidPlacementGroup.InUse", "The placement group '%s' is in use and cannot be deleted. Terminate its instances first: %s.", name, strings.Join(live, ", "))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.groups[key] != pg {
		return ec2Err("InvalidPlacementGroup.Unknown", "The Placement Group '%s' is unknown.", name)
	}
	delete(s.groups, key)
	WriteEC2Response(w, struct {
		XMLName   xml.Name `xml:"DeletePlacementGroupResponse"`
		Xmlns     string   `xml:"xmlns,attr"`
		RequestID string   `xml:"requestId"`
		Return    bool     `xml:"return"`
	}{Xmlns: EC2Namespace, RequestID: NewRequestID(), Return: true})
	return nil
}
