// SPDX-License-Identifier: MPL-2.0

package gateway

// Tag list helpers shared by the natively served services.

// keyedTag is a service's tag type (dsTag, fsTag).
type keyedTag interface{ tagKey() string }

// mergeTags returns cur with add applied: a tag whose key is already in cur
// replaces it in place, a new key is appended.
func mergeTags[T keyedTag](cur, add []T) []T {
	out := append([]T(nil), cur...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if out[i].tagKey() == t.tagKey() {
				out[i] = t
				replaced = true
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	return out
}

// dropTags returns the tags of cur whose key is not in keys (nil when none is
// left).
func dropTags[T keyedTag](cur []T, keys []string) []T {
	drop := map[string]bool{}
	for _, k := range keys {
		drop[k] = true
	}
	var kept []T
	for _, t := range cur {
		if !drop[t.tagKey()] {
			kept = append(kept, t)
		}
	}
	return kept
}
