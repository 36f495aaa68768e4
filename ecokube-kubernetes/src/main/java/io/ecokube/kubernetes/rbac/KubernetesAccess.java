package io.ecokube.kubernetes.rbac;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A Kubernetes API call a class makes, written as the RBAC rule that allows it. Every class that
 * calls the API server carries one per (group, resources, verbs, scope, feature), and the Roles in
 * {@code deploy/} grant exactly their union: {@code RbacRulesTest} (ecokube-controller) reads the
 * compiled classes' calls into the official client's typed API classes, checks that each is
 * declared here, and compares the declarations with the rules of the shipped Roles and
 * ClusterRoles.
 *
 * <p>Declaring the access next to the call keeps the two in one review: a new call without its
 * declaration, or a rule nobody calls, fails the suite instead of widening the service account
 * unnoticed.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(KubernetesAccess.List.class)
public @interface KubernetesAccess {
  /** The controller's own permissions, in {@code deploy/base/10-rbac.yaml}. */
  String CORE = "core";

  /** API group; {@code ""} is the core group. */
  String group() default "";

  /** Resources in plural form, with a subresource after a slash ({@code pods/eviction}). */
  String[] resources();

  /** RBAC verbs: get, list, watch, create, update, patch, delete. */
  String[] verbs();

  /** Whether a ClusterRole or a Role in one namespace grants it. */
  Scope scope() default Scope.CLUSTER;

  /**
   * The feature the calls belong to: {@link #CORE}, or the name of an optional feature whose Roles
   * carry the label {@code ecokube.io/feature=<name>} in {@code deploy/11-rbac-optional.yaml}.
   */
  String feature() default CORE;

  /** Where the permission is granted. */
  enum Scope {
    /** A ClusterRole: objects in every namespace, or cluster-scoped objects. */
    CLUSTER,
    /** A Role in one namespace (the controller's own, or the one the feature works in). */
    NAMESPACE
  }

  /** The container of repeated {@link KubernetesAccess} annotations. */
  @Documented
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @interface List {
    /** The declarations. */
    KubernetesAccess[] value();
  }
}
