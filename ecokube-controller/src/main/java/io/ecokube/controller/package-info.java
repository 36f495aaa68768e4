/**
 * The Kubernetes controller program: Eco-Kube's engine on a real cluster, with leader election,
 * health and metrics endpoints, and a dry-run mode.
 */
package io.ecokube.controller;
