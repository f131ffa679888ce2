// SPDX-License-Identifier: MPL-2.0

// Package owner makes creates safe to repeat. Terraform records an object only when Create returns, so
// a crash (the terraform process killed) or a lost answer (the request was served, the response never
// arrived) leaves objects that no state knows. Every object a resource creates therefore carries the
// provider's ownership tags, and every create looks before it creates:
//
//   - TagOwner ("rayhpc:owner") = "<resource type>/<name>", e.g. "rayhpc_lustre_workspace/genomics";
//   - TagPart ("rayhpc:part") says which part of the resource the object is ("file-system",
//     "security-group", "placement-group", ...);
//   - TagCreate ("rayhpc:create") = "pending" is on the resource's main object from its create call until
//     the create has finished; the resource removes it as the last step of Create.
//
// The identity. Terraform does not tell a provider a resource's address, and nothing is saved before
// Create returns, so the only key both the interrupted run and the next run know is the configuration
// itself: the user's name, within the resource type, in one region and account (tags and the look-ups by
// tag are per region and account already). The consequence: two configurations that give two resources of
// the same type the same name in the same region and account would adopt each other's objects. That is
// detected where it can be: an object whose create finished (no TagCreate) belongs to a resource some state
// already holds, so Create refuses to adopt it (ConflictError, naming the object and the fix: another name,
// or `terraform import`). What cannot be detected: a second configuration whose create runs while the
// first one's create is still pending, or that adopts a part left behind after its owner's main object was
// deleted — both need the same name used twice, which the error above makes rare.
//
// Idempotency tokens. Where an API takes one (FSx CreateFileSystem and CreateDataRepositoryAssociation:
// ClientRequestToken, 1-63 characters of [A-Za-z0-9_.-]), Token derives it from the identity and what the
// object is, so a retried or re-run create of the same object returns the same object. FSx does not
// document how long it honours a token; assume forever. A token is therefore also derived from what makes
// this object different from an earlier one of the same name (the file system's parameters; an
// association's file system ID and path), and a create whose token returns an object that is gone or being
// deleted (an earlier generation) is retried with a token salted with that object's ID — deterministic, so
// a crash during that retry converges too.
package owner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"strings"
)

// The ownership tag keys and the pending value.
const (
	TagOwner  = "rayhpc:owner"
	TagPart   = "rayhpc:part"
	TagCreate = "rayhpc:create"
	Pending   = "pending"
	// tagPrefix starts every tag the provider manages for itself; resources leave these out of `tags`.
	tagPrefix = "rayhpc:"
	// maxTagValue is the longest tag value EC2, FSx and DataSync all accept (FSx and DataSync TagValue max
	// 256 in their API models; EC2 allows 256 too).
	maxTagValue = 256
	// maxToken is FSx's ClientRequestToken limit (FSx API model, ClientRequestToken: max 63).
	maxToken = 63
)

// ID is who owns an object: a resource type and the user's name for the resource.
type ID struct {
	Type string // the Terraform type name, e.g. rayhpc_lustre_workspace
	Name string // the user's name for the resource
}

// New returns the identity of resource type's resource named name.
func New(resourceType, name string) ID { return ID{Type: resourceType, Name: name} }

// Value is the TagOwner value: "<type>/<name>", shortened to 256 characters with a hash of the whole
// when the name is that long.
func (o ID) Value() string {
	v := o.Type + "/" + o.Name
	if len(v) <= maxTagValue {
		return v
	}
	sum := sha256.Sum256([]byte(v))
	suffix := "~" + hex.EncodeToString(sum[:8])
	return v[:maxTagValue-len(suffix)] + suffix
}

// Tags are the ownership tags of one part.
func (o ID) Tags(part string) map[string]string {
	return map[string]string{TagOwner: o.Value(), TagPart: part}
}

// PendingTags are the tags of the main object while its create is running: Tags plus TagCreate=pending.
func (o ID) PendingTags(part string) map[string]string {
	t := o.Tags(part)
	t[TagCreate] = Pending
	return t
}

// With returns a new map holding tags overlaid by own: what a part's create call sends, e.g.
// owner.With(spec.Tags, id.Tags(part)) (the ownership tags win over a user's tag of the same key).
// Neither argument is changed.
func With(tags, own map[string]string) map[string]string {
	out := make(map[string]string, len(tags)+len(own))
	maps.Copy(out, tags)
	maps.Copy(out, own)
	return out
}

// Owns reports whether tags say the object is part of this owner.
func (o ID) Owns(tags map[string]string, part string) bool {
	return tags[TagOwner] == o.Value() && tags[TagPart] == part
}

// MadeBy reports whether tags say a resource of resourceType whose name starts with namePrefix made the
// object: how sweepers find what acceptance tests left (their resources are named tf-acc-test-...),
// whatever the object itself is called, and never an object without the provider's tags. An empty prefix
// matches nothing. A name shortened with a hash in Value keeps its start, so long names match too.
func MadeBy(tags map[string]string, resourceType, namePrefix string) bool {
	return namePrefix != "" && strings.HasPrefix(tags[TagOwner], resourceType+"/"+namePrefix)
}

// IsPending reports whether the create that made an object has not finished (TagCreate=pending).
func IsPending(tags map[string]string) bool { return tags[TagCreate] == Pending }

// IsOwnTag reports whether a tag key is one of the provider's own (rayhpc:...), which resources keep out
// of their `tags` attribute.
func IsOwnTag(key string) bool { return strings.HasPrefix(key, tagPrefix) }

// WithoutOwnTags returns tags without the provider's own keys (a new map).
func WithoutOwnTags(tags map[string]string) map[string]string {
	out := make(map[string]string, len(tags))
	for k, v := range tags {
		if !IsOwnTag(k) {
			out[k] = v
		}
	}
	return out
}

// Token derives an idempotency token for creating one part: "rayhpc-" and 48 hex digits of a SHA-256 over
// the identity, the part and salt (whatever distinguishes this object from an earlier one of the same
// owner). It fits FSx's ClientRequestToken (1-63 characters of [A-Za-z0-9_.-]).
func (o ID) Token(part string, salt ...string) string {
	h := sha256.New()
	for _, s := range append([]string{o.Value(), part}, salt...) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	tok := "rayhpc-" + hex.EncodeToString(h.Sum(nil))[:48]
	return tok[:min(len(tok), maxToken)]
}

// ConflictError says an object with this owner's tags exists whose create finished: another resource
// (another configuration, or this one before its state was lost) holds it, so it is not adopted.
type ConflictError struct {
	Owner ID
	What  string // e.g. "FSx for Lustre file system fs-0123"
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s already exists with the owner tag %s=%q and its create finished: another Terraform "+
		"resource (another configuration, or a state that was lost) manages it. Give this %s another name, or "+
		"bring the existing object under this configuration with `terraform import`.", e.What, TagOwner, e.Owner.Value(), e.Owner.Type)
}

// Adoptable checks an object found by owner tags before a create adopts it: a main object (the one that
// carries TagCreate while its create runs) is adopted only while pending. what names the object in the
// error.
func (o ID) Adoptable(tags map[string]string, what string) error {
	if IsPending(tags) {
		return nil
	}
	return &ConflictError{Owner: o, What: what}
}

// One returns the single object found by an owner look-up: ok=false when there is none, an error naming
// them when there are several (a create that ran twice before this package existed, or a name used twice).
func One[T any](found []T, id func(T) string, what string) (obj T, ok bool, err error) {
	switch len(found) {
	case 0:
		return obj, false, nil
	case 1:
		return found[0], true, nil
	}
	ids := make([]string, len(found))
	for i, f := range found {
		ids[i] = id(f)
	}
	return obj, false, fmt.Errorf("found %d %s objects with the same owner tags (%s); delete the ones not in use, "+
		"or import the right one", len(found), what, strings.Join(ids, ", "))
}

// FindOrCreate is the look-before-create pattern: find the object this owner already made; if there is
// none, create it; if the create fails with an error for which duplicate reports true (EC2's
// InvalidGroup.Duplicate after a lost answer: the earlier identical request was served), find again and
// adopt what the earlier request made. adopted says whether the object was found rather than created.
func FindOrCreate[T any](ctx context.Context, find func(context.Context) (T, bool, error), create func(context.Context) (T, error),
	duplicate func(error) bool) (obj T, adopted bool, err error) {
	obj, ok, err := find(ctx)
	if err != nil || ok {
		return obj, ok, err
	}
	obj, err = create(ctx)
	if err == nil || duplicate == nil || !duplicate(err) {
		return obj, false, err
	}
	again, ok, ferr := find(ctx)
	if ferr != nil {
		return obj, false, fmt.Errorf("%w (and looking up the duplicate: %w)", err, ferr)
	}
	if !ok {
		return obj, false, fmt.Errorf("%w (no object with this resource's owner tags holds the name: it is someone else's)", err)
	}
	return again, true, nil
}
