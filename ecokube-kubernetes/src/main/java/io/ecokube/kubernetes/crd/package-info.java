/**
 * Eco-Kube's custom resources ({@code ecokube.io/v1alpha1} NodePool, PowerPolicy, CostPolicy) on
 * the official client: informers that keep them cached, a status writer for their {@code status}
 * subresource, and Events on them. What the specs mean is the controller's business; this package
 * hands their specs over as JSON text and writes back what it is given.
 */
package io.ecokube.kubernetes.crd;
