package io.ecokube.api.state;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Persists each node's {@link NodeRecord} so a restarted engine resumes: the Kubernetes adapter
 * keeps it in a Node annotation; embedded users may keep it anywhere.
 */
public interface NodeStateStore {

  /** The stored record, empty for a node never stored. */
  Optional<NodeRecord> load(String node);

  /** Stores a record, replacing the previous one. */
  void save(String node, NodeRecord record);

  /** A store that keeps records in memory (lost on restart). */
  static NodeStateStore inMemory() {
    Map<String, NodeRecord> records = new ConcurrentHashMap<>();
    return new NodeStateStore() {
      @Override
      public Optional<NodeRecord> load(String node) {
        return Optional.ofNullable(records.get(node));
      }

      @Override
      public void save(String node, NodeRecord record) {
        records.put(node, record);
      }
    };
  }
}
