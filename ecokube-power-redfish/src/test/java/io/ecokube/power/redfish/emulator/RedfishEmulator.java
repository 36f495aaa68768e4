package io.ecokube.power.redfish.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A Redfish service on 127.0.0.1 over HTTPS for tests: serves a resource tree (a DMTF mockup folder
 * or one built by {@link EmulatorTree}), creates and deletes sessions, accepts Basic
 * authentication, carries out {@code #ComputerSystem.Reset} by changing {@code PowerState}, and
 * answers with injected 409/503, stalls or 202 task monitors when a test asks for them.
 */
public final class RedfishEmulator implements AutoCloseable {
  /** The account the emulator accepts. */
  public static final String USER = "admin";

  /** The account's password. */
  public static final String PASSWORD = "emulator-pw-7c1";

  static final String ROOT = "/redfish/v1";
  static final String SESSIONS = "/redfish/v1/SessionService/Sessions";
  private static final String TASK_MONITORS = "/redfish/v1/TaskService/TaskMonitors/";
  private static final Set<String> SPEC_RESET_TYPES =
      Set.of(
          "On",
          "ForceOff",
          "GracefulShutdown",
          "GracefulRestart",
          "ForceRestart",
          "Nmi",
          "ForceOn",
          "PushPowerButton",
          "PowerCycle");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpsServer server;
  private final ExecutorService pool;
  private final Map<String, ObjectNode> resources = new ConcurrentHashMap<>();
  private final Map<String, String> resetTargets = new ConcurrentHashMap<>();
  private final Map<String, String> sessions = new ConcurrentHashMap<>();
  private final Map<String, List<String>> resets = new ConcurrentHashMap<>();
  private final Map<String, Task> tasks = new ConcurrentHashMap<>();
  private final ConcurrentLinkedDeque<Fault> faults = new ConcurrentLinkedDeque<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private volatile boolean sessionsEnabled = true;
  private volatile boolean basicEnabled = true;
  private volatile boolean rootNeedsAuth;
  private volatile int taskPolls;
  private volatile String taskFailure;
  private volatile String taskRetryAfter;
  private volatile Stall stall;

  private record Fault(String method, String pathPart, int status, String retryAfter, int[] left) {}

  private record Stall(String method, String pathPart, CountDownLatch release) {}

  private static final class Task {
    final String system;
    final String resetType;
    int pollsLeft;

    Task(String system, String resetType, int pollsLeft) {
      this.system = system;
      this.resetType = resetType;
      this.pollsLeft = pollsLeft;
    }
  }

  private volatile String password = PASSWORD;

  private RedfishEmulator(TestTls tls, Map<String, ObjectNode> tree) throws IOException {
    tree.forEach((k, v) -> resources.put(normalize(k), v.deepCopy()));
    indexResetTargets();
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
    pool = Executors.newFixedThreadPool(4, r -> new Thread(r, "redfish-emulator"));
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Serves a tree of resources keyed by path ({@code /redfish/v1/...}). */
  public static RedfishEmulator start(TestTls tls, Map<String, ObjectNode> tree) {
    try {
      return new RedfishEmulator(tls, tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Serves a DMTF mockup folder: each {@code <path>/index.json} is {@code /redfish/v1/<path>}. */
  public static RedfishEmulator startMockup(TestTls tls, Path folder) {
    return start(tls, loadMockup(folder));
  }

  /** Reads a mockup folder into a tree. */
  public static Map<String, ObjectNode> loadMockup(Path folder) {
    Map<String, ObjectNode> tree = new ConcurrentHashMap<>();
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.endsWith("index.json"))::iterator) {
        String rel = folder.relativize(f.getParent()).toString().replace('\\', '/');
        JsonNode n = JSON.readTree(f.toFile());
        if (n.isObject()) {
          tree.put(rel.isEmpty() ? ROOT : ROOT + "/" + rel, (ObjectNode) n);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read mockup " + folder, e);
    }
    return tree;
  }

  private void indexResetTargets() {
    resources.forEach(
        (path, r) -> {
          String target = r.path("Actions").path("#ComputerSystem.Reset").path("target").asText("");
          if (!target.isBlank()) {
            resetTargets.put(normalize(target), path);
          }
        });
  }

  /** The base URL, {@code https://127.0.0.1:port}. */
  public URI endpoint() {
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Whether POST to the session collection creates sessions (else 405). */
  public void sessionsEnabled(boolean enabled) {
    this.sessionsEnabled = enabled;
  }

  /** Whether HTTP Basic credentials are accepted. */
  public void basicEnabled(boolean enabled) {
    this.basicEnabled = enabled;
  }

  /** Whether the service root demands credentials (the specification says it should not). */
  public void rootNeedsAuth(boolean needs) {
    this.rootNeedsAuth = needs;
  }

  /** Forgets every session, as a BMC does when sessions time out. */
  public void expireSessions() {
    sessions.clear();
  }

  /** The tokens of open sessions. */
  public Set<String> openSessions() {
    return Set.copyOf(sessions.keySet());
  }

  /**
   * Answers the next {@code times} requests whose method matches and whose path contains {@code
   * pathPart} with {@code status}, and a Retry-After header when {@code retryAfter} is not null.
   */
  public void fail(String method, String pathPart, int status, int times, String retryAfter) {
    faults.add(new Fault(method, pathPart, status, retryAfter, new int[] {times}));
  }

  /** Makes it accept another password from now on (default {@link #PASSWORD}). */
  public void password(String password) {
    this.password = java.util.Objects.requireNonNull(password, "password");
  }

  /** Holds matching requests until the returned latch is released (or 30 s pass). */
  public CountDownLatch stall(String method, String pathPart) {
    Stall s = new Stall(method, pathPart, new CountDownLatch(1));
    stall = s;
    return s.release();
  }

  /**
   * Makes resets answer 202 with a task monitor that reports Running for {@code polls} polls and
   * then completes ({@code polls < 0}: never completes; 0: resets complete at once with 204).
   */
  public void resetsAsTasks(int polls, String retryAfter) {
    this.taskPolls = polls;
    this.taskRetryAfter = retryAfter;
  }

  /** Makes task monitors end in TaskState Exception with this message. */
  public void tasksFail(String message) {
    this.taskFailure = message;
  }

  /** Every request seen, as {@code METHOD path auth} with auth one of token, basic, none. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** How many requests matched a method and a path fragment. */
  public long count(String method, String pathPart) {
    return requests.stream()
        .filter(r -> r.startsWith(method + " ") && r.contains(pathPart))
        .count();
  }

  /** The ResetTypes a system received, in order. */
  public List<String> resets(String systemPath) {
    return List.copyOf(resets.getOrDefault(normalize(systemPath), List.of()));
  }

  /** A system's current PowerState. */
  public String powerState(String systemPath) {
    return resource(systemPath).path("PowerState").asText();
  }

  /** Sets a system's PowerState. */
  public void powerState(String systemPath, String state) {
    synchronized (this) {
      resource(systemPath).put("PowerState", state);
    }
  }

  /** A resource of the tree (live: changes are served). */
  public ObjectNode resource(String path) {
    ObjectNode r = resources.get(normalize(path));
    if (r == null) {
      throw new IllegalArgumentException("no resource " + path);
    }
    return r;
  }

  static String normalize(String path) {
    String p = path;
    int q = p.indexOf('?');
    if (q >= 0) {
      p = p.substring(0, q);
    }
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      String path = normalize(ex.getRequestURI().getPath());
      String auth = authKind(ex);
      requests.add(method + " " + path + " " + auth);
      byte[] in = ex.getRequestBody().readAllBytes();
      Fault fault = takeFault(method, path);
      if (fault != null) {
        if (fault.retryAfter() != null) {
          ex.getResponseHeaders().add("Retry-After", fault.retryAfter());
        }
        sendError(ex, fault.status(), "Base.1.8.ServiceTemporarilyUnavailable", "injected");
        return;
      }
      Stall s = stall;
      if (s != null && s.method().equals(method) && path.contains(s.pathPart())) {
        try {
          s.release().await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      boolean authenticated = auth.equals("token") || auth.equals("basic");
      if (method.equals("GET")
          && (path.equals(ROOT) || path.equals("/redfish"))
          && (authenticated || !rootNeedsAuth)) {
        send(ex, 200, resources.get(ROOT));
        return;
      }
      if (method.equals("POST") && path.equals(SESSIONS)) {
        createSession(ex, in);
        return;
      }
      if (!authenticated) {
        sendError(ex, 401, "Base.1.8.NoValidSession", "authentication required");
        return;
      }
      if (method.equals("DELETE") && path.startsWith(SESSIONS + "/")) {
        String token = ex.getRequestHeaders().getFirst("X-Auth-Token");
        sessions.entrySet().removeIf(e -> e.getValue().equals(path) || e.getKey().equals(token));
        send(ex, 204, null);
        return;
      }
      if (method.equals("POST") && resetTargets.containsKey(path)) {
        reset(ex, resetTargets.get(path), in);
        return;
      }
      if (method.equals("GET") && path.startsWith(TASK_MONITORS)) {
        pollTask(ex, path);
        return;
      }
      if (method.equals("GET") && resources.containsKey(path)) {
        synchronized (this) {
          send(ex, 200, resources.get(path));
        }
        return;
      }
      sendError(ex, 404, "Base.1.8.ResourceMissingAtURI", "no resource at " + path);
    } catch (RuntimeException e) {
      throw new IOException("emulator failure", e);
    }
  }

  private String authKind(HttpExchange ex) {
    String token = ex.getRequestHeaders().getFirst("X-Auth-Token");
    if (token != null) {
      return sessions.containsKey(token) ? "token" : "bad";
    }
    String basic = ex.getRequestHeaders().getFirst("Authorization");
    if (basic != null && basic.startsWith("Basic ")) {
      String pair =
          new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8);
      return basicEnabled && pair.equals(USER + ":" + password) ? "basic" : "bad";
    }
    return "none";
  }

  private Fault takeFault(String method, String path) {
    for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
      Fault f = it.next();
      if (f.method().equals(method) && path.contains(f.pathPart())) {
        synchronized (f) {
          if (f.left()[0] > 0) {
            f.left()[0]--;
            return f;
          }
        }
        it.remove();
      }
    }
    return null;
  }

  private void createSession(HttpExchange ex, byte[] in) throws IOException {
    if (!sessionsEnabled) {
      sendError(ex, 405, "Base.1.8.OperationNotAllowed", "sessions are not supported");
      return;
    }
    JsonNode body = JSON.readTree(in);
    if (!USER.equals(body.path("UserName").asText())
        || !password.equals(body.path("Password").asText())) {
      sendError(ex, 401, "Base.1.8.InsufficientPrivilege", "bad credentials");
      return;
    }
    String token = UUID.randomUUID().toString();
    String uri = SESSIONS + "/" + ids.incrementAndGet();
    sessions.put(token, uri);
    ex.getResponseHeaders().add("X-Auth-Token", token);
    ex.getResponseHeaders().add("Location", uri);
    ObjectNode s = JSON.createObjectNode();
    s.put("@odata.id", uri).put("UserName", USER);
    send(ex, 201, s);
  }

  private void reset(HttpExchange ex, String system, byte[] in) throws IOException {
    String type = JSON.readTree(in).path("ResetType").asText("");
    List<String> allowed = allowedResetTypes(resources.get(system));
    if (allowed.isEmpty() ? !SPEC_RESET_TYPES.contains(type) : !allowed.contains(type)) {
      sendError(
          ex,
          400,
          "Base.1.8.ActionParameterValueNotInList",
          "The value "
              + type
              + " for the parameter ResetType is not in the list of acceptable values.");
      return;
    }
    resets.computeIfAbsent(system, k -> new CopyOnWriteArrayList<>()).add(type);
    int polls = taskPolls;
    if (polls == 0) {
      apply(system, type);
      send(ex, 204, null);
      return;
    }
    String monitor = TASK_MONITORS + ids.incrementAndGet();
    tasks.put(monitor, new Task(system, type, polls));
    ex.getResponseHeaders().add("Location", monitor);
    if (taskRetryAfter != null) {
      ex.getResponseHeaders().add("Retry-After", taskRetryAfter);
    }
    send(ex, 202, task("Running", null));
  }

  private void pollTask(HttpExchange ex, String path) throws IOException {
    Task t = tasks.get(path);
    if (t == null) {
      sendError(ex, 404, "Base.1.8.ResourceMissingAtURI", "no task " + path);
      return;
    }
    synchronized (t) {
      if (t.pollsLeft != 0) {
        if (t.pollsLeft > 0) {
          t.pollsLeft--;
        }
        if (taskRetryAfter != null) {
          ex.getResponseHeaders().add("Retry-After", taskRetryAfter);
        }
        send(ex, 202, task("Running", null));
        return;
      }
    }
    String failure = taskFailure;
    if (failure != null) {
      send(ex, 200, task("Exception", failure));
      return;
    }
    apply(t.system, t.resetType);
    tasks.remove(path);
    send(ex, 200, task("Completed", null));
  }

  private static ObjectNode task(String state, String message) {
    ObjectNode t = JSON.createObjectNode();
    t.put("@odata.type", "#Task.v1_7_0.Task").put("TaskState", state);
    ArrayNode msgs = t.putArray("Messages");
    if (message != null) {
      msgs.addObject().put("MessageId", "Base.1.8.InternalError").put("Message", message);
    }
    return t;
  }

  private List<String> allowedResetTypes(ObjectNode system) {
    JsonNode reset = system.path("Actions").path("#ComputerSystem.Reset");
    List<String> out = new ArrayList<>();
    reset.path("ResetType@Redfish.AllowableValues").forEach(v -> out.add(v.asText()));
    String info = reset.path("@Redfish.ActionInfo").asText("");
    if (!info.isBlank() && resources.containsKey(normalize(info))) {
      for (JsonNode p : resources.get(normalize(info)).path("Parameters")) {
        p.path("AllowableValues").forEach(v -> out.add(v.asText()));
      }
    }
    return out;
  }

  private synchronized void apply(String system, String type) {
    ObjectNode s = resources.get(system);
    String now = s.path("PowerState").asText("Off");
    switch (type) {
      case "On":
      case "ForceOn":
      case "PowerCycle":
      case "ForceRestart":
      case "GracefulRestart":
        s.put("PowerState", "On");
        break;
      case "ForceOff":
      case "GracefulShutdown":
        s.put("PowerState", "Off");
        break;
      case "PushPowerButton":
        s.put("PowerState", now.equals("On") ? "Off" : "On");
        break;
      default:
        break;
    }
  }

  private static void sendError(HttpExchange ex, int status, String id, String message)
      throws IOException {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode err = body.putObject("error");
    err.put("code", id).put("message", message);
    err.putArray("@Message.ExtendedInfo").addObject().put("MessageId", id).put("Message", message);
    send(ex, status, body);
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    if (body == null || status == 204) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.getResponseHeaders().add("OData-Version", "4.0");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    Stall s = stall;
    if (s != null) {
      s.release().countDown();
    }
    server.stop(0);
    pool.shutdownNow();
  }
}
