package io.ecokube.examples.architecture.broken.kubernetes;

/** An adapter class that another adapter must not know. */
public final class Informer {}
