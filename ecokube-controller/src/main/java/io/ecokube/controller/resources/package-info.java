/**
 * The controller's custom resources: NodePools, PowerPolicies and CostPolicies mapped onto the same
 * validated model as the config file ({@link io.ecokube.controller.resources.ResourceDocument}),
 * applied when they change, and their status and Events written back ({@link
 * io.ecokube.controller.resources.CustomResourceWiring}).
 */
package io.ecokube.controller.resources;
