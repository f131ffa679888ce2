// SPDX-License-Identifier: MPL-2.0

package kube

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	authnv1 "k8s.io/api/authentication/v1"
)

// startWebhook serves the TokenReview webhook (authentication.k8s.io/v1) on a free 127.0.0.1 port over
// TLS with the stack's serving certificate, and writes the kubeconfig kube-apiserver reads it from
// (https://kubernetes.io/docs/reference/access-authn-authz/authentication/#webhook-token-authentication).
func (s *Stack) startWebhook(authenticate func(context.Context, string) (User, error)) error {
	if authenticate == nil {
		return nil
	}
	cert, err := tls.LoadX509KeyPair(s.pki.certFile, s.pki.keyFile)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/authenticate", TokenReviewHandler(authenticate))
	s.webhook = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
	}
	go func() { _ = s.webhook.ServeTLS(ln, "", "") }()
	url := "https://" + ln.Addr().String() + "/authenticate"
	s.webhookKubeconfig = filepath.Join(s.RunDir, "authn-webhook.kubeconfig")
	return os.WriteFile(s.webhookKubeconfig, []byte(kubeconfig(url, s.pki.caPEM, "{}")), 0o600)
}

// TokenReviewHandler answers kube-apiserver's TokenReview requests with authenticate's verdict. A
// refused token gets authenticated=false and the reason in status.error (which the apiserver logs).
func TokenReviewHandler(authenticate func(context.Context, string) (User, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var review authnv1.TokenReview
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&review); err != nil {
			http.Error(w, "bad TokenReview: "+err.Error(), http.StatusBadRequest)
			return
		}
		out := authnv1.TokenReview{TypeMeta: review.TypeMeta}
		if out.APIVersion == "" {
			out.APIVersion, out.Kind = "authentication.k8s.io/v1", "TokenReview"
		}
		u, err := authenticate(r.Context(), review.Spec.Token)
		if err != nil {
			out.Status.Error = err.Error()
		} else {
			out.Status.Authenticated = true
			out.Status.User = authnv1.UserInfo{Username: u.Username, UID: u.UID, Groups: u.Groups}
			if len(u.Extra) > 0 {
				out.Status.User.Extra = map[string]authnv1.ExtraValue{}
				for k, v := range u.Extra {
					out.Status.User.Extra[k] = v
				}
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	})
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func certPool(caPEM []byte) *x509.CertPool {
	p := x509.NewCertPool()
	p.AppendCertsFromPEM(caPEM)
	return p
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(errors.New("kube: no randomness: " + err.Error()))
	}
	return hex.EncodeToString(b)
}
