// SPDX-License-Identifier: MPL-2.0

package conns

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/hashicorp/aws-sdk-go-base/v2/logging"
)

// Masked replaces the value of a sensitive member in a logged request or response.
const Masked = "***"

// maskingLogger is the logger of every AWS call (aws-sdk-go-base logs each request and response, with
// body and headers, at debug level). Before a line reaches tflog it masks, in the bodies and headers, the
// value of every member the API model of the call's service and operation marks sensitive
// (sensitive_gen.go): DataSync's SecretKey and Password, EC2's UserData, STS's SecretAccessKey, ... in
// whatever wire format the protocol uses (JSON members, query-form keys, XML elements, headers).
type maskingLogger struct{ logging.Logger }

func (l maskingLogger) Warn(ctx context.Context, msg string, fields ...map[string]any) {
	l.Logger.Warn(ctx, msg, maskFields(ctx, fields)...)
}

func (l maskingLogger) Info(ctx context.Context, msg string, fields ...map[string]any) {
	l.Logger.Info(ctx, msg, maskFields(ctx, fields)...)
}

func (l maskingLogger) Debug(ctx context.Context, msg string, fields ...map[string]any) {
	l.Logger.Debug(ctx, msg, maskFields(ctx, fields)...)
}

func (l maskingLogger) Trace(ctx context.Context, msg string, fields ...map[string]any) {
	l.Logger.Trace(ctx, msg, maskFields(ctx, fields)...)
}

func (l maskingLogger) SubLogger(ctx context.Context, name string) (context.Context, logging.Logger) {
	ctx, sub := l.Logger.SubLogger(ctx, name)
	return ctx, maskingLogger{sub}
}

// maskedLogFields are fields aws-sdk-go-base logs outside a call (in its "Assuming IAM Role" line, through
// its own subsystem logger, which the root logger's masks do not reach).
var maskedLogFields = map[string]bool{"tf_aws.assume_role.external_id": true}

// maskFields returns fields with the sensitive members of the call's bodies and headers masked.
func maskFields(ctx context.Context, fields []map[string]any) []map[string]any {
	m := maskerFor(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx))
	out := make([]map[string]any, len(fields))
	for i, f := range fields {
		out[i] = make(map[string]any, len(f))
		for k, v := range f {
			s, ok := v.(string)
			switch {
			case maskedLogFields[k]:
				out[i][k] = Masked
			case !ok || m == nil:
				out[i][k] = v
			case k == "http.request.body" || k == "http.response.body":
				out[i][k] = m.body(s)
			case m.header(k):
				out[i][k] = Masked
			default:
				out[i][k] = v
			}
		}
	}
	return out
}

// masker masks the members of one name set in every wire format.
type masker struct {
	json, xml, form *regexp.Regexp
	headers         map[string]bool // logged header field names
}

var maskers sync.Map // "service\x00operation" -> *masker (nil: nothing sensitive)

// maskerFor returns the masker of an operation's sensitive members; for a call whose service or
// operation is unknown, every member any known operation of the service (or of any service) marks.
func maskerFor(service, op string) *masker {
	key := service + "\x00" + op
	if v, ok := maskers.Load(key); ok {
		m, _ := v.(*masker) // nil: the operation has nothing sensitive
		return m
	}
	names := sensitiveNames(service, op)
	var m *masker
	if len(names) > 0 {
		m = newMasker(names)
	}
	maskers.Store(key, m)
	return m
}

// sensitiveMember is a member the API model marks sensitive, with its other names on the wire.
type sensitiveMember struct {
	Name string
	Wire []string
}

// providerSensitive is what the provider keeps out of logs beyond the models' trait: the session token
// STS answers with temporary credentials (it authenticates together with the secret key, which the model
// does mark), and assume_role's external ID (Sensitive in the provider schema: STS allows any string
// "such as a passphrase", and the value is shared only between the two accounts).
var providerSensitive = map[string]map[string][]sensitiveMember{
	"STS": {
		"AssumeRole":                {{"ExternalId", nil}, {"SessionToken", nil}},
		"AssumeRoleWithSAML":        {{"SessionToken", nil}},
		"AssumeRoleWithWebIdentity": {{"SessionToken", nil}},
		"GetFederationToken":        {{"SessionToken", nil}},
		"GetSessionToken":           {{"SessionToken", nil}},
	},
}

func sensitiveNames(service, op string) []string {
	if extra, ok := providerSensitive[service][op]; ok {
		return append(wireNames(sensitiveMembers[service][op]), wireNames(extra)...)
	}
	if members, ok := sensitiveMembers[service][op]; ok {
		return wireNames(members)
	}
	if _, ok := sensitiveMembers[service]; ok && op != "" {
		return nil // an operation the model lists with nothing sensitive
	}
	set := map[string]bool{}
	for svc, ops := range sensitiveMembers {
		if service != "" && svc != service {
			continue
		}
		for _, members := range ops {
			for _, n := range wireNames(members) {
				set[n] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func wireNames(members []sensitiveMember) []string {
	var out []string
	for _, m := range members {
		out = append(out, m.Name)
		out = append(out, m.Wire...)
	}
	return out
}

func newMasker(names []string) *masker {
	quoted := make([]string, len(names))
	headers := map[string]bool{}
	for i, n := range names {
		quoted[i] = regexp.QuoteMeta(n)
		h := strings.ReplaceAll(strings.ToLower(n), "-", "_")
		headers["http.request.header."+h] = true
		headers["http.response.header."+h] = true
	}
	alt := "(?:" + strings.Join(quoted, "|") + ")"
	return &masker{
		// "Name": "value" (a string, possibly cut off by the log's truncation) or a scalar.
		json: regexp.MustCompile(`("` + alt + `"\s*:\s*)(?:"(?:[^"\\]|\\.)*"?|[-+0-9.eE]+|true|false)`),
		// <Name>value</Name>
		xml: regexp.MustCompile(`(<` + alt + `>)[^<]*`),
		// Name=value, Prefix.Name=value in a query-protocol form.
		form:    regexp.MustCompile(`((?:^|[&.])` + alt + `=)[^&]*`),
		headers: headers,
	}
}

func (m *masker) body(s string) string {
	s = m.json.ReplaceAllString(s, `${1}"`+Masked+`"`)
	s = m.xml.ReplaceAllString(s, "${1}"+Masked)
	return m.form.ReplaceAllString(s, "${1}"+Masked)
}

func (m *masker) header(field string) bool { return m.headers[field] }
