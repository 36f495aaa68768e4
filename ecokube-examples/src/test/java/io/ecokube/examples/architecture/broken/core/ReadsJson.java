package io.ecokube.examples.architecture.broken.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecokube.examples.architecture.broken.kafka.TalksToKubernetes;
import io.micrometer.core.instrument.MeterRegistry;

/** Breaks the core rule on purpose: Jackson, Micrometer and an adapter inside the engine. */
public final class ReadsJson {
  ObjectMapper json;
  MeterRegistry metrics;
  TalksToKubernetes adapter;
}
