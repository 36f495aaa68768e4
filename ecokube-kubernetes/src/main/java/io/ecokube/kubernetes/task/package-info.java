/**
 * Task pods, the event-driven worker pattern: a scale event that names a task creates that many
 * worker pods from a PodTemplate, watches them to completion, records the outcome and deletes them.
 */
package io.ecokube.kubernetes.task;
