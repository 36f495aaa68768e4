/**
 * What the Kubernetes code calls on the API server, declared per class ({@link
 * io.ecokube.kubernetes.rbac.KubernetesAccess}), so that the shipped RBAC rules can be checked
 * against the code.
 */
package io.ecokube.kubernetes.rbac;
