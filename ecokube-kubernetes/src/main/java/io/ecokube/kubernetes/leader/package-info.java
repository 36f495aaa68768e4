/**
 * Leader election on a coordination.k8s.io/v1 Lease: two replicas run, exactly one acts, and the
 * one that loses the Lease stops acting at once.
 */
package io.ecokube.kubernetes.leader;
