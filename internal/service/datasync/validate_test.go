// SPDX-License-Identifier: MPL-2.0

package datasync

import (
	"strings"
	"testing"
)

func TestValidateSchedule(t *testing.T) {
	t.Parallel()
	cases := []struct {
		expr    string
		wantErr string // substring; "" means valid
	}{
		{"rate(1 hour)", ""},
		{"rate(12 hours)", ""},
		{"rate(60 minutes)", ""},
		{"rate(90 minutes)", ""},
		{"rate(1 day)", ""},
		{"rate(7 days)", ""},
		{"cron(0 2 * * ? *)", ""},
		{"cron(30 8 ? * MON-FRI *)", ""},
		{"cron(0 12 ? * SUN,WED *)", ""},
		{"cron(0 */6 * * ? *)", ""},
		{"rate(59 minutes)", "minimum interval"},
		{"rate(1 minute)", "minimum interval"},
		{"rate(30 minutes)", "minimum interval"},
		{"cron(*/10 * * * ? *)", "more than once an hour"},
		{"cron(0,30 * * * ? *)", "more than once an hour"},
		{"cron(* 3 * * ? *)", "more than once an hour"},
		{"cron(0-5 3 * * ? *)", "more than once an hour"},
		{"rate(1 hours)", "rate(1 hour)"},
		{"rate(2 hour)", "rate(1 hour)"},
		{"rate(0 hours)", "positive"},
		{"rate(hourly)", "rate(VALUE UNIT)"},
		{"cron(0 2 * * *)", "6 fields"},
		{"cron(0 2 * * MON *)", "exactly one"},
		{"cron(0 2 ? * ? *)", "exactly one"},
		{"daily", "neither"},
		{"", "empty"},
		{"cron(0 2 * * ? *);", "characters"},
		{"rate(" + strings.Repeat("1", 300) + " hours)", "characters"},
	}
	for _, tc := range cases {
		err := ValidateSchedule(tc.expr)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("ValidateSchedule(%q) = %v, want valid", tc.expr, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("ValidateSchedule(%q) = %v, want an error containing %q", tc.expr, err, tc.wantErr)
		}
	}
}
