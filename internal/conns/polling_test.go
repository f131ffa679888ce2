// SPDX-License-Identifier: MPL-2.0

package conns

import (
	"testing"
	"time"

	"github.com/rayhpc/terraform-provider-rayhpc/internal/wait"
)

func TestResolvePolling(t *testing.T) {
	t.Setenv(PollIntervalEnv, "")
	if p, err := resolvePolling(""); err != nil || p != wait.DefaultPolling() {
		t.Errorf("no setting: %+v, %v; want the default", p, err)
	}
	p, err := resolvePolling("200ms")
	if err != nil || p.MinInterval != 200*time.Millisecond || p.MaxInterval != 6*time.Second {
		t.Errorf("200ms: %+v, %v; want 200ms backing off to 6s", p, err)
	}
	t.Setenv(PollIntervalEnv, "100ms")
	if p, err := resolvePolling(""); err != nil || p.MinInterval != 100*time.Millisecond {
		t.Errorf("from %s: %+v, %v", PollIntervalEnv, p, err)
	}
	if p, err := resolvePolling("2s"); err != nil || p.MinInterval != 2*time.Second {
		t.Errorf("the provider setting must win over the environment: %+v, %v", p, err)
	}
	if p, err := resolvePolling("2m"); err != nil || p.MaxInterval != 2*time.Minute {
		t.Errorf("an interval above the default cap keeps itself as the cap: %+v, %v", p, err)
	}
	for _, bad := range []string{"soon", "-1s", "0s"} {
		if _, err := resolvePolling(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
