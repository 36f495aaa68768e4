/** Demand sources an embedding's tests steer: backlog, pending pods, scale events, staleness. */
package io.ecokube.test.demand;
