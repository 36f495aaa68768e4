package io.ecokube.examples.architecture.broken.api;

import io.ecokube.examples.architecture.broken.core.ReadsJson;

/** Breaks the API rule on purpose: the API reaches into the engine. */
public final class LeaksTheEngine {
  ReadsJson engine;
}
