// SPDX-License-Identifier: MPL-2.0

package gateway

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

const controlPrefix = "/_sandbox/"

// The control endpoint, on the gateway's own listener, for use from other
// processes (demo, bench). Requests to it are not logged as AWS calls.
//
//	GET    /_sandbox/health        {"status":"ok", "moto": "<url>"}
//	GET    /_sandbox/calls         JSON list of Call
//	POST   /_sandbox/calls/reset   empty the call log
//	GET    /_sandbox/faults        JSON list of Fault
//	POST   /_sandbox/faults        install a Fault (JSON; latency as "250ms" or milliseconds;
//	                               {"service":"ec2","operation":"CreateSecurityGroup","lost_rate":1,"times":1}
//	                               serves the next CreateSecurityGroup and loses its answer)
//	DELETE /_sandbox/faults        remove every fault
func (g *Gateway) serveControl(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, controlPrefix), "/")
	switch {
	case path == "health" && r.Method == http.MethodGet:
		writeControlJSON(w, http.StatusOK, map[string]any{"status": "ok", "moto": g.cfg.MotoURL, "timings": g.Timings()})
	case path == "calls" && r.Method == http.MethodGet:
		writeControlJSON(w, http.StatusOK, g.Calls())
	case path == "calls/reset" && (r.Method == http.MethodPost || r.Method == http.MethodDelete):
		g.ResetCalls()
		writeControlJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	case path == "faults" && r.Method == http.MethodGet:
		writeControlJSON(w, http.StatusOK, g.Faults())
	case path == "faults" && r.Method == http.MethodPost:
		b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			writeControlJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		var faults []Fault
		if t := strings.TrimSpace(string(b)); strings.HasPrefix(t, "[") {
			err = json.Unmarshal(b, &faults)
		} else {
			var f Fault
			err = json.Unmarshal(b, &f)
			faults = []Fault{f}
		}
		if err != nil {
			writeControlJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		for _, f := range faults {
			if err := g.SetFault(f); err != nil {
				writeControlJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
				return
			}
		}
		writeControlJSON(w, http.StatusOK, g.Faults())
	case path == "faults" && r.Method == http.MethodDelete:
		g.ClearFaults()
		writeControlJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	default:
		writeControlJSON(w, http.StatusNotFound, map[string]string{"error": "unknown control endpoint " + r.Method + " " + r.URL.Path})
	}
}

func writeControlJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
