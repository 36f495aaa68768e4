package io.ecokube.examples.architecture.broken.kafka;

import io.ecokube.examples.architecture.broken.kubernetes.Informer;

/** Breaks the adapter rule on purpose: one adapter knows another. */
public final class TalksToKubernetes {
  Informer informer;
}
