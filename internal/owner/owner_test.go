// SPDX-License-Identifier: MPL-2.0

package owner_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/owner"
)

// FSx API model, ClientRequestToken: min 1, max 63, pattern [A-za-z0-9_.-]{0,63}$.
var fsxToken = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,63}$`)

func TestToken(t *testing.T) {
	o := owner.New("rayhpc_lustre_workspace", "genomics")
	a := o.Token("file-system", "spec1")
	if !fsxToken.MatchString(a) {
		t.Errorf("token %q does not fit FSx's ClientRequestToken", a)
	}
	if a != o.Token("file-system", "spec1") {
		t.Error("the token is not deterministic")
	}
	for name, other := range map[string]string{
		"another name":  owner.New("rayhpc_lustre_workspace", "genomics2").Token("file-system", "spec1"),
		"another type":  owner.New("rayhpc_efa_network", "genomics").Token("file-system", "spec1"),
		"another part":  o.Token("association", "spec1"),
		"another salt":  o.Token("file-system", "spec2"),
		"salt boundary": o.Token("file-system", "spec", "1"),
	} {
		if other == a {
			t.Errorf("%s gives the same token", name)
		}
	}
	long := owner.New("rayhpc_lustre_workspace", strings.Repeat("x", 600))
	if tok := long.Token("file-system"); !fsxToken.MatchString(tok) {
		t.Errorf("long-name token %q", tok)
	}
}

func TestValueAndTags(t *testing.T) {
	o := owner.New("rayhpc_lustre_workspace", "genomics")
	if v := o.Value(); v != "rayhpc_lustre_workspace/genomics" {
		t.Errorf("Value = %q", v)
	}
	long1 := owner.New("rayhpc_lustre_workspace", strings.Repeat("x", 300)+"a")
	long2 := owner.New("rayhpc_lustre_workspace", strings.Repeat("x", 300)+"b")
	if len(long1.Value()) != 256 || long1.Value() == long2.Value() {
		t.Errorf("long values: %d chars, distinct %v", len(long1.Value()), long1.Value() != long2.Value())
	}
	tags := o.PendingTags("file-system")
	if !o.Owns(tags, "file-system") || o.Owns(tags, "security-group") || !owner.IsPending(tags) {
		t.Errorf("tags %v", tags)
	}
	if owner.New("rayhpc_lustre_workspace", "other").Owns(tags, "file-system") {
		t.Error("another name owns the object")
	}
	user := owner.WithoutOwnTags(map[string]string{"team": "a", owner.TagOwner: "x", owner.TagCreate: "pending"})
	if len(user) != 1 || user["team"] != "a" {
		t.Errorf("WithoutOwnTags = %v", user)
	}
	if err := o.Adoptable(tags, "fs-1"); err != nil {
		t.Errorf("a pending object is not adoptable: %v", err)
	}
	err := o.Adoptable(o.Tags("file-system"), "FSx for Lustre file system fs-1")
	var ce *owner.ConflictError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "fs-1") || !strings.Contains(err.Error(), "terraform import") {
		t.Errorf("a finished object is adoptable or the error does not say what to do: %v", err)
	}
}

func TestOne(t *testing.T) {
	id := func(s string) string { return s }
	if _, ok, err := owner.One([]string{}, id, "x"); ok || err != nil {
		t.Errorf("none: ok=%v err=%v", ok, err)
	}
	if v, ok, err := owner.One([]string{"sg-1"}, id, "x"); !ok || err != nil || v != "sg-1" {
		t.Errorf("one: %v %v %v", v, ok, err)
	}
	if _, _, err := owner.One([]string{"sg-1", "sg-2"}, id, "security group"); err == nil || !strings.Contains(err.Error(), "sg-1, sg-2") {
		t.Errorf("several: %v", err)
	}
}

func TestFindOrCreate(t *testing.T) {
	ctx := context.Background()
	dup := errors.New("InvalidGroup.Duplicate")
	isDup := func(err error) bool { return errors.Is(err, dup) }
	var existing []string
	find := func(context.Context) (string, bool, error) {
		return owner.One(existing, func(s string) string { return s }, "group")
	}
	created := 0
	create := func(context.Context) (string, error) {
		created++
		existing = append(existing, "sg-new")
		return "sg-new", nil
	}
	// Nothing there: created.
	if v, adopted, err := owner.FindOrCreate(ctx, find, create, isDup); err != nil || adopted || v != "sg-new" || created != 1 {
		t.Fatalf("create: %v %v %v created=%d", v, adopted, err, created)
	}
	// Already there (a crash after the create): adopted, not created again.
	if v, adopted, err := owner.FindOrCreate(ctx, find, create, isDup); err != nil || !adopted || v != "sg-new" || created != 1 {
		t.Fatalf("adopt: %v %v %v created=%d", v, adopted, err, created)
	}
	// A lost answer: the find saw nothing, the create says Duplicate, the second find adopts.
	existing = nil
	lostCreate := func(context.Context) (string, error) {
		existing = []string{"sg-lost"}
		return "", dup
	}
	if v, adopted, err := owner.FindOrCreate(ctx, find, lostCreate, isDup); err != nil || !adopted || v != "sg-lost" {
		t.Fatalf("duplicate: %v %v %v", v, adopted, err)
	}
	// A duplicate that is not ours stays an error.
	existing = nil
	foreign := func(context.Context) (string, error) { return "", dup }
	if _, _, err := owner.FindOrCreate(ctx, find, foreign, isDup); !errors.Is(err, dup) {
		t.Fatalf("foreign duplicate: %v", err)
	}
	// Other errors are returned as they are.
	other := errors.New("boom")
	if _, _, err := owner.FindOrCreate(ctx, find, func(context.Context) (string, error) { return "", other }, isDup); !errors.Is(err, other) {
		t.Fatalf("other error: %v", err)
	}
}

func TestWith(t *testing.T) {
	o := owner.New("rayhpc_efa_network", "hpc")
	user := map[string]string{"team": "bio", owner.TagPart: "forged"}
	got := owner.With(user, o.PendingTags("placement-group"))
	want := map[string]string{"team": "bio", owner.TagOwner: "rayhpc_efa_network/hpc", owner.TagPart: "placement-group", owner.TagCreate: owner.Pending}
	if len(got) != len(want) {
		t.Fatalf("With = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("With[%q] = %q, want %q", k, got[k], v)
		}
	}
	if len(user) != 2 || user[owner.TagPart] != "forged" {
		t.Errorf("With changed its argument: %v", user)
	}
	if got := owner.With(nil, o.Tags("security-group")); got == nil || len(got) != 2 {
		t.Errorf("With(nil, own) = %v", got)
	}
}

func TestMadeBy(t *testing.T) {
	const efa, lustre = "rayhpc_efa_network", "rayhpc_lustre_workspace"
	long := owner.New(lustre, "tf-acc-test-"+strings.Repeat("x", 300))
	for _, tc := range []struct {
		name, typ, prefix string
		tags              map[string]string
		want              bool
	}{
		{"test resource", efa, "tf-acc-test", owner.New(efa, "tf-acc-test-123").Tags("placement-group"), true},
		{"pending create", efa, "tf-acc-test", owner.New(efa, "tf-acc-test-x").PendingTags("security-group"), true},
		{"long name, hashed value", lustre, "tf-acc-test", long.Tags("file-system"), true},
		{"other type", efa, "tf-acc-test", owner.New(lustre, "tf-acc-test-1").Tags("security-group"), false},
		{"name not the tests'", efa, "tf-acc-test", owner.New(efa, "prod-tf-acc-test").Tags("security-group"), false},
		{"case differs", efa, "tf-acc-test", owner.New(efa, "TF-ACC-TEST-1").Tags("security-group"), false},
		{"no owner tag, matching Name", efa, "tf-acc-test", map[string]string{"Name": "tf-acc-test-1"}, false},
		{"owner value in another tag", efa, "tf-acc-test", map[string]string{"team": efa + "/tf-acc-test-1"}, false},
		{"no tags", efa, "tf-acc-test", nil, false},
		{"empty prefix matches nothing", efa, "", owner.New(efa, "anything").Tags("security-group"), false},
	} {
		if got := owner.MadeBy(tc.tags, tc.typ, tc.prefix); got != tc.want {
			t.Errorf("%s: MadeBy(%v, %s, %q) = %v, want %v", tc.name, tc.tags, tc.typ, tc.prefix, got, tc.want)
		}
	}
}
