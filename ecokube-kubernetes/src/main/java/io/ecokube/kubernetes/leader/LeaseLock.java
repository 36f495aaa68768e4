package io.ecokube.kubernetes.leader;

import io.ecokube.kubernetes.rbac.KubernetesAccess;
import io.ecokube.kubernetes.rbac.KubernetesAccess.Scope;
import io.kubernetes.client.extended.leaderelection.LeaderElectionRecord;
import io.kubernetes.client.extended.leaderelection.Lock;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Lock} on a coordination.k8s.io/v1 Lease for the client library's {@code LeaderElector}.
 * Like the library's own LeaseLock, except that objects it sends carry {@code apiVersion} and
 * {@code kind} (which strict servers and test servers require) and updates are replaces of the
 * object last read, so the API server's resourceVersion check (409 on a stale read) keeps two
 * candidates from both winning.
 *
 * <p>Once this lock has written the Lease as its holder, a read that shows another holder means the
 * Lease was taken over: the lock reports it at once and refuses every later write. The library's
 * elector would otherwise keep calling this replica the leader until its renew deadline ran out (it
 * retries a renew that another holder blocks as if the API server were merely slow), and could even
 * renew again once the other holder's record looked stale; a new lock campaigns afresh.
 */
@KubernetesAccess(
    group = "coordination.k8s.io",
    resources = "leases",
    verbs = {"get", "create", "update"},
    scope = Scope.NAMESPACE)
final class LeaseLock implements Lock {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseLock.class);

  private final String namespace;
  private final String name;
  private final String identity;
  private final CoordinationV1Api api;
  private final AtomicReference<V1Lease> last = new AtomicReference<>();
  private final Consumer<String> takenOver;
  private final AtomicBoolean held = new AtomicBoolean();
  private final AtomicBoolean lost = new AtomicBoolean();

  LeaseLock(String namespace, String name, String identity, ApiClient client) {
    this(namespace, name, identity, client, holder -> {});
  }

  /**
   * @param takenOver told the new holder's identity, once, when a Lease this lock held is read with
   *     another holder
   */
  LeaseLock(
      String namespace,
      String name,
      String identity,
      ApiClient client,
      Consumer<String> takenOver) {
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.name = Objects.requireNonNull(name, "name");
    this.identity = Objects.requireNonNull(identity, "identity");
    this.api = new CoordinationV1Api(Objects.requireNonNull(client, "client"));
    this.takenOver = Objects.requireNonNull(takenOver, "takenOver");
  }

  @Override
  public LeaderElectionRecord get() throws ApiException {
    V1Lease lease = api.readNamespacedLease(name, namespace).execute();
    last.set(lease);
    V1LeaseSpec s = lease.getSpec() == null ? new V1LeaseSpec() : lease.getSpec();
    if (held.get() && !identity.equals(s.getHolderIdentity()) && lost.compareAndSet(false, true)) {
      takenOver.accept(String.valueOf(s.getHolderIdentity()));
    }
    return new LeaderElectionRecord(
        s.getHolderIdentity(),
        s.getLeaseDurationSeconds() == null ? 0 : s.getLeaseDurationSeconds(),
        date(s.getAcquireTime()),
        date(s.getRenewTime()),
        s.getLeaseTransitions() == null ? 0 : s.getLeaseTransitions());
  }

  @Override
  public boolean create(LeaderElectionRecord record) {
    try {
      V1Lease created =
          api.createNamespacedLease(
                  namespace,
                  new V1Lease()
                      .apiVersion("coordination.k8s.io/v1")
                      .kind("Lease")
                      .metadata(new V1ObjectMeta().name(name).namespace(namespace))
                      .spec(spec(record)))
              .execute();
      last.set(created);
      held.set(identity.equals(record.getHolderIdentity()));
      return true;
    } catch (ApiException e) {
      LOG.debug("creating Lease {}/{} failed: HTTP {}", namespace, name, e.getCode());
      return false;
    }
  }

  @Override
  public boolean update(LeaderElectionRecord record) {
    V1Lease read = last.get();
    if (read == null || lost.get()) {
      return false;
    }
    V1Lease next =
        new V1Lease()
            .apiVersion("coordination.k8s.io/v1")
            .kind("Lease")
            .metadata(read.getMetadata())
            .spec(spec(record));
    try {
      last.set(api.replaceNamespacedLease(name, namespace, next).execute());
      held.set(identity.equals(record.getHolderIdentity()));
      return true;
    } catch (ApiException e) {
      LOG.debug("updating Lease {}/{} failed: HTTP {}", namespace, name, e.getCode());
      return false;
    }
  }

  @Override
  public String identity() {
    return identity;
  }

  @Override
  public String describe() {
    return namespace + "/" + name;
  }

  private static V1LeaseSpec spec(LeaderElectionRecord r) {
    return new V1LeaseSpec()
        .holderIdentity(r.getHolderIdentity())
        .leaseDurationSeconds(r.getLeaseDurationSeconds())
        .acquireTime(time(r.getAcquireTime()))
        .renewTime(time(r.getRenewTime()))
        .leaseTransitions(r.getLeaderTransitions());
  }

  private static OffsetDateTime time(Date d) {
    return d == null ? null : d.toInstant().atOffset(ZoneOffset.UTC);
  }

  private static Date date(OffsetDateTime t) {
    return t == null ? null : Date.from(t.toInstant());
  }
}
