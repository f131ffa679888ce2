// SPDX-License-Identifier: MPL-2.0

package conns

// SensitiveMembers returns the members the API model marks sensitive for a service ID and operation.
func SensitiveMembers(service, op string) []string {
	var out []string
	for _, m := range sensitiveMembers[service][op] {
		out = append(out, m.Name)
	}
	return out
}
