package io.ecokube.power.redfish.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a small Redfish resource tree (our own, for when the DMTF mockups are absent): a service
 * root, systems with a reset action, one chassis per system with optional power readings, and the
 * session service.
 */
public final class EmulatorTree {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How a system publishes its allowed ResetType values. */
  public enum ResetStyle {
    /** {@code ResetType@Redfish.AllowableValues} on the action. */
    INLINE,
    /** A {@code ResetActionInfo} resource linked by {@code @Redfish.ActionInfo}. */
    ACTION_INFO,
    /** Not at all. */
    NONE,
    /** The system has no reset action. */
    NO_ACTION
  }

  /** Where a system's chassis publishes its power draw. */
  public enum MeterStyle {
    /** {@code EnvironmentMetrics/PowerWatts/Reading}. */
    ENVIRONMENT_METRICS,
    /** {@code Power/PowerControl[0]/PowerConsumedWatts}. */
    POWER_CONTROL,
    /** {@code PowerSubsystem/PowerSupplies/* /Metrics/InputPowerWatts/Reading}, two supplies. */
    POWER_SUBSYSTEM,
    /** Nowhere. */
    NONE
  }

  /**
   * One system of the tree.
   *
   * @param id the Id (also the path segment)
   * @param uuid its UUID
   * @param hostName its HostName
   * @param powerState the initial PowerState
   * @param resetTypes the allowed ResetType values
   * @param style how they are published
   * @param meter how the chassis publishes watts
   * @param watts the figure it publishes
   */
  public record SystemSpec(
      String id,
      String uuid,
      String hostName,
      String powerState,
      List<String> resetTypes,
      ResetStyle style,
      MeterStyle meter,
      double watts) {

    /** A system with the common ResetTypes published inline and EnvironmentMetrics watts. */
    public static SystemSpec standard(String id, String powerState) {
      return new SystemSpec(
          id,
          "00000000-0000-0000-0000-00000000000" + Math.abs(id.hashCode() % 10),
          id + ".lab",
          powerState,
          List.of("On", "ForceOff", "GracefulShutdown", "ForceRestart", "PowerCycle"),
          ResetStyle.INLINE,
          MeterStyle.ENVIRONMENT_METRICS,
          212.5);
    }

    /** A copy with other reset types and style. */
    public SystemSpec withReset(List<String> types, ResetStyle s) {
      return new SystemSpec(id, uuid, hostName, powerState, types, s, meter, watts);
    }

    /** A copy with another meter. */
    public SystemSpec withMeter(MeterStyle m, double w) {
      return new SystemSpec(id, uuid, hostName, powerState, resetTypes, style, m, w);
    }

    /** A copy with another UUID and HostName. */
    public SystemSpec withIdentity(String u, String h) {
      return new SystemSpec(id, u, h, powerState, resetTypes, style, meter, watts);
    }

    /** The system's path. */
    public String path() {
      return "/redfish/v1/Systems/" + id;
    }
  }

  private EmulatorTree() {}

  /** A service with the given systems. */
  public static Map<String, ObjectNode> of(SystemSpec... systems) {
    Map<String, ObjectNode> t = new LinkedHashMap<>();
    ObjectNode root = obj("/redfish/v1", "#ServiceRoot.v1_15_0.ServiceRoot");
    root.put("Id", "RootService").put("RedfishVersion", "1.15.0");
    link(root, "Systems", "/redfish/v1/Systems");
    link(root, "Chassis", "/redfish/v1/Chassis");
    link(root, "SessionService", "/redfish/v1/SessionService");
    link(root.putObject("Links"), "Sessions", RedfishEmulator.SESSIONS);
    t.put("/redfish/v1", root);
    ObjectNode ss = obj("/redfish/v1/SessionService", "#SessionService.v1_1_8.SessionService");
    ss.put("ServiceEnabled", true);
    link(ss, "Sessions", RedfishEmulator.SESSIONS);
    t.put("/redfish/v1/SessionService", ss);
    List<String> systemPaths = new ArrayList<>();
    List<String> chassisPaths = new ArrayList<>();
    for (SystemSpec s : systems) {
      String chassis = "/redfish/v1/Chassis/" + s.id() + "-chassis";
      systemPaths.add(s.path());
      chassisPaths.add(chassis);
      t.put(s.path(), system(s, chassis, t));
      t.put(chassis, chassis(s, chassis, t));
    }
    t.put("/redfish/v1/Systems", collection("/redfish/v1/Systems", systemPaths));
    t.put("/redfish/v1/Chassis", collection("/redfish/v1/Chassis", chassisPaths));
    return t;
  }

  private static ObjectNode system(SystemSpec s, String chassis, Map<String, ObjectNode> t) {
    ObjectNode sys = obj(s.path(), "#ComputerSystem.v1_20_0.ComputerSystem");
    sys.put("Id", s.id()).put("UUID", s.uuid()).put("HostName", s.hostName());
    sys.put("PowerState", s.powerState());
    link(sys.putObject("Links").putArray("Chassis").addObject(), null, chassis);
    if (s.style() != ResetStyle.NO_ACTION) {
      ObjectNode reset = sys.putObject("Actions").putObject("#ComputerSystem.Reset");
      reset.put("target", s.path() + "/Actions/ComputerSystem.Reset");
      if (s.style() == ResetStyle.INLINE) {
        ArrayNode a = reset.putArray("ResetType@Redfish.AllowableValues");
        s.resetTypes().forEach(a::add);
      } else if (s.style() == ResetStyle.ACTION_INFO) {
        String info = s.path() + "/ResetActionInfo";
        reset.put("@Redfish.ActionInfo", info);
        ObjectNode ai = obj(info, "#ActionInfo.v1_5_0.ActionInfo");
        ObjectNode p = ai.putArray("Parameters").addObject();
        p.put("Name", "ResetType").put("Required", true).put("DataType", "String");
        ArrayNode a = p.putArray("AllowableValues");
        s.resetTypes().forEach(a::add);
        t.put(info, ai);
      }
    }
    return sys;
  }

  private static ObjectNode chassis(SystemSpec s, String path, Map<String, ObjectNode> t) {
    ObjectNode c = obj(path, "#Chassis.v1_25_0.Chassis");
    c.put("Id", s.id() + "-chassis").put("ChassisType", "RackMount");
    switch (s.meter()) {
      case ENVIRONMENT_METRICS:
        {
          String em = path + "/EnvironmentMetrics";
          link(c, "EnvironmentMetrics", em);
          ObjectNode e = obj(em, "#EnvironmentMetrics.v1_3_0.EnvironmentMetrics");
          e.putObject("PowerWatts").put("Reading", s.watts());
          t.put(em, e);
          break;
        }
      case POWER_CONTROL:
        {
          String p = path + "/Power";
          link(c, "Power", p);
          ObjectNode e = obj(p, "#Power.v1_7_1.Power");
          e.putArray("PowerControl").addObject().put("PowerConsumedWatts", s.watts());
          t.put(p, e);
          break;
        }
      case POWER_SUBSYSTEM:
        {
          String ps = path + "/PowerSubsystem";
          String supplies = ps + "/PowerSupplies";
          link(c, "PowerSubsystem", ps);
          ObjectNode sub = obj(ps, "#PowerSubsystem.v1_1_0.PowerSubsystem");
          link(sub, "PowerSupplies", supplies);
          t.put(ps, sub);
          List<String> bays = List.of(supplies + "/Bay1", supplies + "/Bay2");
          t.put(supplies, collection(supplies, bays));
          for (String bay : bays) {
            ObjectNode b = obj(bay, "#PowerSupply.v1_5_0.PowerSupply");
            b.putObject("Status").put("State", "Enabled");
            link(b, "Metrics", bay + "/Metrics");
            t.put(bay, b);
            ObjectNode m = obj(bay + "/Metrics", "#PowerSupplyMetrics.v1_0_1.PowerSupplyMetrics");
            m.putObject("InputPowerWatts").put("Reading", s.watts() / 2);
            t.put(bay + "/Metrics", m);
          }
          break;
        }
      default:
        break;
    }
    return c;
  }

  private static ObjectNode collection(String path, List<String> members) {
    ObjectNode c = obj(path, "#Collection");
    ArrayNode a = c.putArray("Members");
    members.forEach(m -> a.addObject().put("@odata.id", m));
    c.put("Members@odata.count", members.size());
    return c;
  }

  private static ObjectNode obj(String id, String type) {
    ObjectNode o = JSON.createObjectNode();
    o.put("@odata.id", id).put("@odata.type", type);
    return o;
  }

  private static void link(ObjectNode parent, String name, String target) {
    ObjectNode l = name == null ? parent : parent.putObject(name);
    l.put("@odata.id", target);
  }
}
