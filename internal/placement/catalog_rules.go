// SPDX-License-Identifier: MPL-2.0

package placement

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
)

// ValueRule is the range a catalog value may be set to ([Catalog.Set]): the
// values that give pools and storage the engine accepts (Problem.Validate).
type ValueRule struct {
	Min, Max float64
	// Whole: the value counts something (vCPUs, executions, MB of a memory
	// setting) and must be a whole number.
	Whole bool
	// Why the range is what it is, when it is a limit of AWS's.
	Why string
}

func (r ValueRule) String() string {
	what := "a number"
	if r.Whole {
		what = "a whole number"
	}
	s := fmt.Sprintf("%s between %g and %g", what, r.Min, r.Max)
	if r.Why != "" {
		s += " (" + r.Why + ")"
	}
	return s
}

// AWS's hard limits, which the trace loader ([LambdaLimits]) and the Fargate
// sizes also use: an override may tighten them, not lift them.
const (
	whyLambda  = "AWS Lambda quotas: a hard limit, which cannot be changed"
	whyFargate = "Amazon ECS Developer Guide, Task CPU and memory: Fargate's largest task size"
)

func (r ValueRule) check(v float64) bool {
	return v >= r.Min && v <= r.Max && (!r.Whole || v == math.Trunc(v))
}

// MaxBandwidthBps bounds bandwidth values (1 PB/s).
const MaxBandwidthBps = 1e15

// valueRules are the catalog values whose range is narrower (or, for
// bandwidths, wider) than the default [0, MaxPriceUSD].
var valueRules = map[string]ValueRule{
	// Durations: the engine's bound on times; Lambda's timeout positive and at most its hard limit.
	"ec2_min_billing_s":     {0, MaxDurationS, false, ""},
	"hpc_node_start_s":      {0, MaxDurationS, false, ""},
	"ray_node_start_s":      {0, MaxDurationS, false, ""},
	"hpc_idle_s":            {0, MaxDurationS, false, ""},
	"ray_idle_s":            {0, MaxDurationS, false, ""},
	"lambda_cold_start_s":   {0, MaxDurationS, false, ""},
	"lambda_billing_tick_s": {0, MaxDurationS, false, ""},
	"fargate_min_billing_s": {0, MaxDurationS, false, ""},
	"batch_start_s":         {0, MaxDurationS, false, ""},
	"lambda_timeout_s":      {0.001, 900, false, whyLambda},
	// A fraction of the on-demand price.
	"spot_discount": {0, 1, false, ""},
	// A switch.
	"node_page_cache": {0, 1, true, ""},
	// Counts, and sizes a pool needs to run anything.
	"ray_head_task_vcpus":   {0, 1e6, true, ""},
	"hpc_pool_vcpus":        {1, 1e9, true, ""},
	"ray_pool_vcpus":        {1, 1e9, true, ""},
	"lambda_concurrency":    {1, 1e9, true, ""},
	"lambda_min_memory_mb":  {128, 10240, true, whyLambda},
	"lambda_max_memory_mb":  {128, 10240, true, whyLambda},
	"fargate_max_vcpus":     {1, 16, true, whyFargate},
	"batch_max_vcpus":       {1, 1e9, true, ""},
	"lambda_mb_per_vcpu":    {1, 1e9, false, ""},
	"fargate_max_memory_gb": {0.001, 120, false, whyFargate},
	// Lambda's /tmp: 512 MB to 10,240 MB.
	"lambda_ephemeral_free_mb": {0, 10240, false, whyLambda},
	"lambda_ephemeral_max_mb":  {0, 10240, false, whyLambda},
	// Bandwidths: at least the engine's 1 B/s (0 for the S3 aggregate: none).
	"lambda_s3_bandwidth":    {MinBandwidthBps, MaxBandwidthBps, false, ""},
	"vm_s3_bandwidth":        {MinBandwidthBps, MaxBandwidthBps, false, ""},
	"lustre_bandwidth":       {MinBandwidthBps, MaxBandwidthBps, false, ""},
	"s3_aggregate_bandwidth": {0, MaxBandwidthBps, false, ""},
}

// ValueRuleOf returns the range of the catalog value with this name.
func ValueRuleOf(name string) ValueRule {
	if r, ok := valueRules[name]; ok {
		return r
	}
	return ValueRule{0, MaxPriceUSD, false, ""}
}

// ValueError is a catalog value (or pair of values) that [Catalog.Check]
// refuses: Names are the values concerned, Rule says why.
type ValueError struct {
	Names []string
	Rule  string
}

func (e *ValueError) Error() string { return strings.Join(e.Names, " and ") + ": " + e.Rule }

// Check reports what no single value's rule says: values that are valid
// each but not together (a Lambda memory minimum above the maximum), and
// values that give a pool or the storage a figure the engine refuses (a
// fixed cost or Lustre price above MaxPriceUSD), on the default platforms,
// and a Ray head whose task vCPUs or memory exceed its instance type's.
func (c *Catalog) Check() error {
	if c.LambdaMinMemoryMB.V > c.LambdaMaxMemoryMB.V {
		return &ValueError{Names: []string{"lambda_min_memory_mb", "lambda_max_memory_mb"},
			Rule: fmt.Sprintf("the minimum memory setting (%g MB) is above the maximum (%g MB)", c.LambdaMinMemoryMB.V, c.LambdaMaxMemoryMB.V)}
	}
	if err := c.checkRayHead(); err != nil {
		return err
	}
	pl, err := DefaultPlatformsFrom(c)
	if err != nil {
		return err
	}
	w, err := FromStages([]StageSpec{{Name: "check", TaskCount: 1, RuntimeS: 1}})
	if err != nil {
		return err
	}
	if err := NewProblem(w, pl).Validate(); err != nil {
		return errors.New("the values give a model the engine refuses: " + err.Error())
	}
	return nil
}

// Value returns the catalog value with this name (a [Catalog.ValueNames]
// name), or false.
func (c *Catalog) Value(name string) (Value, bool) {
	v := reflect.ValueOf(c).Elem()
	for i := 0; i < v.NumField(); i++ {
		if f := v.Field(i); f.Type() == reflect.TypeOf(Value{}) && jsonName(v.Type().Field(i)) == name {
			return f.Interface().(Value), true
		}
	}
	return Value{}, false
}
