// SPDX-License-Identifier: MPL-2.0

package kuberay

import (
	rayclient "github.com/ray-project/kuberay/ray-operator/pkg/client/clientset/versioned"
	"k8s.io/client-go/kubernetes"
)

// NewTestClients builds the package's clients from given (fake) clientsets, for unit tests.
func newTestClients(core kubernetes.Interface, ray rayclient.Interface) *kubeClients {
	return &kubeClients{core: core, ray: ray}
}
