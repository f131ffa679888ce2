// SPDX-License-Identifier: MPL-2.0

package framework_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/framework"
)

func tagMap(t *testing.T, m map[string]string) types.Map {
	t.Helper()
	if m == nil {
		return types.MapNull(types.StringType)
	}
	v, d := types.MapValueFrom(context.Background(), types.StringType, m)
	if d.HasError() {
		t.Fatal(d)
	}
	return v
}

func TestFlattenTags(t *testing.T) {
	defaults := map[string]string{"team": "hpc", "env": "dev"}
	cases := []struct {
		name          string
		remote, prior map[string]string
		want          map[string]string // nil: null
	}{
		{"default tags are not drift", map[string]string{"team": "hpc", "env": "dev"}, nil, nil},
		{"own tags are kept", map[string]string{"team": "hpc", "app": "cfd"}, map[string]string{"app": "cfd"}, map[string]string{"app": "cfd"}},
		{"a default overridden by the resource is kept", map[string]string{"env": "prod"}, map[string]string{"env": "prod"}, map[string]string{"env": "prod"}},
		{"a default also configured on the resource is kept", map[string]string{"team": "hpc"}, map[string]string{"team": "hpc"}, map[string]string{"team": "hpc"}},
		{"a tag added out of band shows", map[string]string{"team": "hpc", "owner": "bob"}, nil, map[string]string{"owner": "bob"}},
		{"a tag removed out of band shows", map[string]string{}, map[string]string{"app": "cfd"}, map[string]string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, d := framework.FlattenTags(context.Background(), tc.remote, tagMap(t, tc.prior), defaults)
			if d.HasError() {
				t.Fatal(d)
			}
			if want := tagMap(t, tc.want); !got.Equal(want) {
				t.Errorf("got %v, want %v", got, want)
			}
			if tc.want != nil && len(got.Elements()) != len(tc.want) {
				t.Errorf("got %d tags, want %d", len(got.Elements()), len(tc.want))
			}
		})
	}
}
