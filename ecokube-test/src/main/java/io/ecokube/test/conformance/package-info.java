/**
 * A conformance suite for {@link io.ecokube.api.power.PowerDriver} implementations: extend {@link
 * io.ecokube.test.conformance.PowerDriverConformance} in a test, give it a {@link
 * io.ecokube.test.conformance.ConformanceMachine} and a way to build the driver, and JUnit checks
 * the driver against the contract.
 */
package io.ecokube.test.conformance;
